package dev.realtime.test;

import org.junit.jupiter.api.AfterAll;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs a test class against the real PostgreSQL of {@link TestDatabases} (Testcontainers
 * with Docker, else {@code REALTIME_TEST_POSTGRES_URL}), in a fresh schema created before
 * the context starts and dropped after. The context is closed after the class, since its
 * schema does not outlive it.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public abstract class PostgresSchemaSupport {

	private static TestDatabases.Isolated schema;

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		schema = TestDatabases.postgres().createIsolated("demo");
		registry.add("spring.datasource.url", schema::url);
		registry.add("spring.datasource.username", () -> schema.server().username());
		registry.add("spring.datasource.password", () -> schema.server().password());
	}

	@AfterAll
	static void dropSchema() {
		if (schema != null) {
			schema.close();
			schema = null;
		}
	}

}

package dev.realtime.demo.hub;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;

import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Runs a test class against the real PostgreSQL at {@code REALTIME_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test}, user {@code REALTIME_TEST_POSTGRES_USER} or
 * {@code postgres}), in a fresh schema created before the context starts and dropped after.
 * The context is closed after the class, since its schema does not outlive it.
 */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
abstract class PostgresSchemaSupport {

	static final String URL = Objects.requireNonNullElse(System.getenv("REALTIME_TEST_POSTGRES_URL"),
			"jdbc:postgresql://127.0.0.1:5432/test");

	static final String USER = Objects.requireNonNullElse(System.getenv("REALTIME_TEST_POSTGRES_USER"), "postgres");

	static final String PASSWORD = Objects.requireNonNullElse(System.getenv("REALTIME_TEST_POSTGRES_PASSWORD"), "");

	private static String schema;

	@DynamicPropertySource
	static void postgres(DynamicPropertyRegistry registry) {
		schema = "hub_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute("CREATE SCHEMA " + schema);
		String url = URL + (URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
		registry.add("spring.datasource.url", () -> url);
		registry.add("spring.datasource.username", () -> USER);
		registry.add("spring.datasource.password", () -> PASSWORD);
	}

	@AfterAll
	static void dropSchema() {
		if (schema != null) {
			execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
			schema = null;
		}
	}

	private static void execute(String sql) {
		try (Connection connection = DriverManager.getConnection(URL, USER, PASSWORD);
				Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("PostgreSQL at " + URL + " is needed by this test (set "
					+ "REALTIME_TEST_POSTGRES_URL to point at another server): " + ex.getMessage(), ex);
		}
	}

}

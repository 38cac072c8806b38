package dev.realtime.outbox;

import org.junit.jupiter.api.BeforeAll;

import dev.realtime.test.TestDatabases;

/**
 * {@link JpaOutboundQueue} on PostgreSQL.
 */
class PostgresJpaOutboundQueueTests extends AbstractJpaOutboundQueueTests {

	@BeforeAll
	static void startDatabase() {
		start(TestDatabases.postgres());
	}

}

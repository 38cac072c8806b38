package dev.realtime.outbox;

import org.junit.jupiter.api.BeforeAll;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcOutboundQueue} on MariaDB.
 */
class MariaDbJdbcOutboundQueueIntegrationTests extends AbstractJdbcOutboundQueueIntegrationTests {

	@BeforeAll
	static void startDatabase() {
		start(TestDatabases.mariadb());
	}

}

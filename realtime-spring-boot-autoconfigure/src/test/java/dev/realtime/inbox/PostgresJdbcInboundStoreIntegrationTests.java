package dev.realtime.inbox;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcInboundStore} on PostgreSQL.
 */
class PostgresJdbcInboundStoreIntegrationTests extends JdbcInboundStoreIntegrationTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.postgres();
	}

}

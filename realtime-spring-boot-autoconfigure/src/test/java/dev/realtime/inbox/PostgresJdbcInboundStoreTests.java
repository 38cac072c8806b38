package dev.realtime.inbox;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcInboundStore} on PostgreSQL.
 */
class PostgresJdbcInboundStoreTests extends JdbcInboundStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.postgres();
	}

}

package dev.realtime.inbox;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcInboundStore} on MariaDB.
 */
class MariaDbJdbcInboundStoreIntegrationTests extends JdbcInboundStoreIntegrationTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.mariadb();
	}

}

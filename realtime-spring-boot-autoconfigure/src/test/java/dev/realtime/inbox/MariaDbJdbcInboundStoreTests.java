package dev.realtime.inbox;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcInboundStore} on MariaDB.
 */
class MariaDbJdbcInboundStoreTests extends JdbcInboundStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.mariadb();
	}

}

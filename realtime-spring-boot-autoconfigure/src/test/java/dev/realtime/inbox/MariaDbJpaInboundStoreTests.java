package dev.realtime.inbox;

import dev.realtime.test.TestDatabases;

/**
 * {@link JpaInboundStore} on MariaDB.
 */
class MariaDbJpaInboundStoreTests extends JpaInboundStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.mariadb();
	}

}

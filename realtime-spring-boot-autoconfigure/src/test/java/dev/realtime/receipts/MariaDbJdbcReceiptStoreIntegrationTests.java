package dev.realtime.receipts;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcReceiptStore} on MariaDB.
 */
class MariaDbJdbcReceiptStoreIntegrationTests extends JdbcReceiptStoreIntegrationTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.mariadb();
	}

}

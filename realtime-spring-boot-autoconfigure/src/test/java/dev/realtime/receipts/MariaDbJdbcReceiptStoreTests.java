package dev.realtime.receipts;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcReceiptStore} on MariaDB.
 */
class MariaDbJdbcReceiptStoreTests extends JdbcReceiptStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.mariadb();
	}

}

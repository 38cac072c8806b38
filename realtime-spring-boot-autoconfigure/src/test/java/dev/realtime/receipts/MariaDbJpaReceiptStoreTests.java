package dev.realtime.receipts;

import dev.realtime.test.TestDatabases;

/**
 * {@link JpaReceiptStore} on MariaDB.
 */
class MariaDbJpaReceiptStoreTests extends JpaReceiptStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.mariadb();
	}

}

package dev.realtime.receipts;

import dev.realtime.test.TestDatabases;

/**
 * {@link JpaReceiptStore} on PostgreSQL.
 */
class PostgresJpaReceiptStoreTests extends JpaReceiptStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.postgres();
	}

}

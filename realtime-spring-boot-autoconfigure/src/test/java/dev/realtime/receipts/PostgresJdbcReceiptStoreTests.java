package dev.realtime.receipts;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcReceiptStore} on PostgreSQL.
 */
class PostgresJdbcReceiptStoreTests extends JdbcReceiptStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.postgres();
	}

}

package dev.realtime.receipts;

import dev.realtime.test.TestDatabases;

/**
 * {@link JdbcReceiptStore} on PostgreSQL.
 */
class PostgresJdbcReceiptStoreIntegrationTests extends JdbcReceiptStoreIntegrationTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.postgres();
	}

}

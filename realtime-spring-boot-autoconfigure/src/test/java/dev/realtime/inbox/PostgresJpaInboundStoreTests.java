package dev.realtime.inbox;

import dev.realtime.test.TestDatabases;

/**
 * {@link JpaInboundStore} on PostgreSQL.
 */
class PostgresJpaInboundStoreTests extends JpaInboundStoreTests {

	@Override
	TestDatabases.Server server() {
		return TestDatabases.postgres();
	}

}

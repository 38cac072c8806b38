package dev.realtime.outbox;

import org.junit.jupiter.api.BeforeAll;

import dev.realtime.test.TestDatabases;

/**
 * {@link JpaOutboundQueue} on MariaDB.
 */
class MariaDbJpaOutboundQueueTests extends AbstractJpaOutboundQueueTests {

	@BeforeAll
	static void startDatabase() {
		start(TestDatabases.mariadb());
	}

}

package dev.realtime.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link JdbcOutboundQueue} on PostgreSQL.
 */
class PostgresJdbcOutboundQueueIntegrationTests extends AbstractJdbcOutboundQueueIntegrationTests {

	@BeforeAll
	static void startDatabase() {
		start(TestDatabases.postgres());
	}

	@Test
	void relayQueriesReadAnIndexRangeAndNeverSortOnATableThatWasNeverAnalyzed() {
		// a backlog of 20,000 rows, half numbered and half new, ids far from the
		// sequence's
		jdbc().update("insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status,"
				+ " seq) select 1000000000 + g, ?, 'k' || g, 'e', '{}', 0,"
				+ " case when g % 2 = 0 then 'NEW' else 'SEQUENCED' end, case when g % 2 = 0 then null else g end"
				+ " from generate_series(1, 20000) g", userId());
		assertThat(jdbc().queryForObject("select count(*) from pg_stat_user_tables where relname = 'realtime_outbox'"
				+ " and schemaname = current_schema() and (last_analyze is not null or last_autoanalyze is not null)",
				Long.class))
			.as("never analyzed")
			.isZero();
		assertNoSort(plan(OutboxRepository.FRESH, userId(), 500));
		assertNoSort(plan(OutboxRepository.SEQUENCED, userId(), 0L, 500));
		String claimSequenced = Objects.requireNonNull(OutboxDialect.POSTGRESQL.claimSequenced);
		assertNoSort(plan(claimSequenced, "owner", 1L, userId(), userId(), 0L, 500, userId(), userId()));
		assertThat(String.join("\n", plan(OutboxRepository.DELETE_ACKED, userId(), 100L)))
			.contains("realtime_outbox_relay_ix");
		String fencedDelete = Objects.requireNonNull(OutboxDialect.POSTGRESQL.fencedDeleteAcked);
		assertThat(String.join("\n", plan(fencedDelete, "owner", 1L, userId(), userId(), 100L, 120L, userId(), 120L)))
			.contains("realtime_outbox_relay_ix")
			.doesNotContain("Seq Scan on realtime_outbox");
		// the numbering looks rows up by primary key, never by a scan of the table
		String numberAll = Objects.requireNonNull(OutboxDialect.POSTGRESQL.numberAll)
			.replace("?", "%s")
			.formatted(1, "'{1000000002,1000000004}'::bigint[]", "'{1000000002,1000000004}'::bigint[]");
		assertThat(String.join("\n", plan(numberAll))).contains("realtime_outbox_pk")
			.doesNotContain("Seq Scan on realtime_outbox");
	}

	@Test
	void vacuumsTheOutboxTableOnceItsDeadRowsPassTheThreshold() {
		DataSource dataSource = Objects.requireNonNull(jdbc().getDataSource());
		OutboxVacuum vacuum = new OutboxVacuum(dataSource, OutboxDialect.POSTGRESQL);
		try {
			leaveDeadRowsAboveTheThreshold();
			// fewer deletes than a check needs: nothing happens yet
			vacuum.deleted(OutboxVacuum.CHECK_EVERY - 1);
			assertThat(deadRows()).isGreaterThanOrEqualTo(OutboxVacuum.THRESHOLD);
			vacuum.deleted(1);
			await().atMost(Duration.ofSeconds(60)).until(() -> deadRows() < OutboxVacuum.THRESHOLD);
		}
		finally {
			vacuum.stop();
		}
	}

	@Test
	void stoppingCancelsARunningVacuumInsteadOfLeavingItToTheConnectionPoolsShutdown() throws SQLException {
		DataSource dataSource = Objects.requireNonNull(jdbc().getDataSource());
		OutboxVacuum vacuum = new OutboxVacuum(dataSource, OutboxDialect.POSTGRESQL);
		leaveDeadRowsAboveTheThreshold();
		try (Connection blocker = dataSource.getConnection()) {
			// holds the lock VACUUM takes, so the vacuum runs until it is cancelled, as a
			// long one on a large table would
			blocker.setAutoCommit(false);
			try (Statement statement = blocker.createStatement()) {
				statement.execute("lock table realtime_outbox in share update exclusive mode");
			}
			vacuum.deleted(OutboxVacuum.CHECK_EVERY);
			await().atMost(Duration.ofSeconds(30)).until(() -> runningVacuums() == 1);
			vacuum.stop();
			assertThat(runningVacuums()).as("vacuums still running once stop returned").isZero();
			blocker.rollback();
		}
		assertThat(jdbc().queryForObject("select count(*) from realtime_outbox where id > 2000000000", Long.class))
			.isZero();
	}

	/**
	 * What a sustained load leaves with autovacuum off: acked rows deleted, never
	 * vacuumed.
	 */
	private void leaveDeadRowsAboveTheThreshold() {
		jdbc().update("insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at,"
				+ " status) select 2000000000 + g, ?, 'v' || g, 'e', '{}', 0, 'NEW'" + " from generate_series(1, ?) g",
				userId(), OutboxVacuum.THRESHOLD + 10_000);
		jdbc().update("delete from realtime_outbox where id > 2000000000");
		await().atMost(Duration.ofSeconds(30)).until(() -> deadRows() >= OutboxVacuum.THRESHOLD);
	}

	private long runningVacuums() {
		Long running = jdbc().queryForObject("select count(*) from pg_stat_activity where state = 'active'"
				+ " and query = 'vacuum realtime_outbox' and pid <> pg_backend_pid()", Long.class);
		return (running != null) ? running : 0;
	}

	private long deadRows() {
		Long dead = jdbc().queryForObject(
				"select n_dead_tup from pg_stat_user_tables where relid = to_regclass('realtime_outbox')", Long.class);
		return (dead != null) ? dead : 0;
	}

	private List<String> plan(String sql, Object... args) {
		return jdbc().queryForList("explain " + sql, String.class, args);
	}

	private static void assertNoSort(List<String> plan) {
		String text = String.join("\n", plan);
		assertThat(text).as(text).doesNotContain("Sort").contains("realtime_outbox_relay_ix");
	}

}

package dev.realtime.autoconfigure;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.receipts.ReadReceipt;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.test.DurableClientAutoConfigurations;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestDatabases;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code disconnect(true)} on a real client, and {@code disconnectUser(id, true)} of
 * {@code RealtimeClients}, connected to a real hub, with every store in PostgreSQL:
 * afterwards no table holds a row of that user (for users connected at runtime, over
 * every table of the library the database's catalog lists, so a table added later is
 * covered), and other users keep theirs.
 */
class DisconnectFlushIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static TestDatabases.Isolated database;

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	@BeforeAll
	static void createDatabase() {
		database = TestDatabases.postgres().createIsolated("flush");
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@Test
	void disconnectWithFlushDeletesEveryRowOfTheUserReadReceiptsIncluded() {
		this.fixture.hub()
			.store("alice", "receipt.read", Map.of("message_id", "m-0", "channel_id", "general", "user_id", "bob"));
		this.fixture.hub().store("alice", "poison", Map.of("text", "parked"));
		// nothing is acked, so the user's outbox rows stay
		this.fixture.hub().acking(false);
		new ApplicationContextRunner().withConfiguration(DurableClientAutoConfigurations.onTheDatabase())
			.withBean(PoisonListener.class)
			.withPropertyValues(database.springProperties())
			.withPropertyValues("realtime.url=" + this.fixture.hub().uri(), "realtime.user-id=alice",
					"realtime.auth.token=t", "realtime.inbox.max-attempts=1")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				DefaultRealtimeClient client = context.getBean(DefaultRealtimeClient.class);
				ReadReceiptManager receipts = context.getBean(ReadReceiptManager.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				context.getBean(ReceiptStore.class)
					.save("carol", new ReadReceipt("m-0", "general", "bob", Instant.parse("2026-01-02T03:04:05Z")));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> receipts.hasUserRead("m-0", "bob") && client.metrics().failedInbound() == 1);
				receipts.sendReadReceipt("m-1", "general");
				client.sendEvent("chat.message", Map.of("text", "hello"));
				await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.hub().received().size() == 2);
				assertThat(rows(jdbc, "realtime_outbox", "user_id")).isEqualTo(2);
				assertThat(rows(jdbc, "realtime_client", "user_id")).isEqualTo(1);
				assertThat(rows(jdbc, "realtime_inbox_event", "user_id")).isEqualTo(1);
				assertThat(rows(jdbc, "realtime_inbox_cursor", "user_id")).isEqualTo(1);
				assertThat(rows(jdbc, "realtime_read_receipt", "owner_user_id")).isEqualTo(2);

				client.disconnect(true);

				await().atMost(Duration.ofSeconds(10))
					.until(() -> client.connectionState() == ConnectionState.DISCONNECTED);
				for (String table : new String[] { "realtime_outbox", "realtime_client", "realtime_inbox_event",
						"realtime_inbox_cursor" }) {
					assertThat(rows(jdbc, table, "user_id")).as(table).isZero();
				}
				assertThat(rows(jdbc, "realtime_read_receipt", "owner_user_id")).isZero();
				assertThat(receipts.hasUserRead("m-0", "bob")).isFalse();
				assertThat(jdbc.queryForObject(
						"select count(*) from realtime_read_receipt where owner_user_id = 'carol'", Long.class))
					.isEqualTo(1);
			});
	}

	private ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
					HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class,
					RealtimeOutboxAutoConfiguration.class, RealtimeInboxAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimePresenceAutoConfiguration.class, RealtimeUsersAutoConfiguration.class))
			.withBean(PoisonListener.class)
			.withPropertyValues(database.springProperties())
			.withPropertyValues("realtime.url=" + this.fixture.hub().uri(), "realtime.user-id=service",
					"realtime.inbox.max-attempts=1");
	}

	@Test
	void disconnectUserWithFlushLeavesNoRowOfTheUserInAnyLibraryTableAndEveryRowOfOthers() {
		for (String user : List.of("ursula", "victor")) {
			this.fixture.hub()
				.store(user, "receipt.read", Map.of("message_id", "m-0", "channel_id", "general", "user_id", "erin"));
			this.fixture.hub().store(user, "poison", Map.of("text", "parked"));
		}
		// nothing is acked, so both users' outbox rows stay; the flush then waits out its
		// timeout, shortened from 10 s because no ack can come (the wait for acks is
		// proven by disconnectUserWithFlushSendsWhatIsPendingBeforeDeleting)
		this.fixture.hub().acking(false);
		this.runner().withPropertyValues("realtime.users.flush-timeout=500ms").run((context) -> {
			assertThat(context).hasNotFailed();
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			for (String user : List.of("ursula", "victor")) {
				RealtimeClient client = clients.connectUser(UserProfile.of(user));
				await().atMost(WAIT)
					.until(() -> clients.receipts(user).hasUserRead("m-0", "erin")
							&& ((ObservableClient) client).metrics().failedInbound() == 1);
				clients.receipts(user).sendReadReceipt("m-1", "general");
				client.sendEvent("chat.message", Map.of("text", "hello from " + user));
			}
			await().atMost(WAIT).until(() -> this.fixture.hub().received().size() == 4);
			Map<String, Long> ursulaBefore = rowsByTable(jdbc, "ursula");
			Map<String, Long> victorBefore = rowsByTable(jdbc, "victor");
			assertThat(ursulaBefore).containsEntry("realtime_outbox.user_id", 2L)
				.containsEntry("realtime_client.user_id", 1L)
				.containsEntry("realtime_inbox_event.user_id", 1L)
				.containsEntry("realtime_inbox_cursor.user_id", 1L)
				.containsEntry("realtime_read_receipt.owner_user_id", 2L);

			assertThat(clients.disconnectUser("ursula", true)).isTrue();

			assertThat(rowsByTable(jdbc, "ursula")).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
			assertThat(rowsByTable(jdbc, "victor")).isEqualTo(victorBefore);
			assertThat(clients.get("ursula")).isEmpty();
			assertThat(clients.get("victor")).isPresent();
		});
	}

	@Test
	void disconnectUserWithFlushSendsWhatIsPendingBeforeDeleting() {
		this.runner().run((context) -> {
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			RealtimeClient wendy = clients.connectUser(UserProfile.of("wendy"));
			for (int i = 1; i <= 50; i++) {
				wendy.sendEvent("chat.message", Map.of("n", i));
			}
			// the flush deletes the client id with the rest: read it before
			String clientId = wendy.clientId();
			clients.disconnectUser("wendy", true);
			// every event reached the hub before the outbox rows went
			assertThat(this.fixture.hub().accepted()).filteredOn((frame) -> clientId.equals(frame.clientId()))
				.hasSize(50);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(rowsByTable(jdbc, "wendy")).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
		});
	}

	/**
	 * Count a user's rows in every column naming a user of every table of the library.
	 * @param jdbc the database
	 * @param userId the user
	 * @return the rows by {@code table.column}
	 */
	private static Map<String, Long> rowsByTable(JdbcTemplate jdbc, String userId) {
		List<Map<String, Object>> columns = jdbc.queryForList("select table_name, column_name "
				+ "from information_schema.columns where table_schema = current_schema() "
				+ "and table_name like 'realtime\\_%' and column_name like '%user_id' order by table_name, column_name");
		assertThat(columns).as("user columns of the library's tables").hasSizeGreaterThanOrEqualTo(5);
		Map<String, Long> rows = new LinkedHashMap<>();
		for (Map<String, Object> column : columns) {
			String table = (String) column.get("table_name");
			String name = (String) column.get("column_name");
			Long count = jdbc.queryForObject("select count(*) from " + table + " where " + name + " = ?", Long.class,
					userId);
			rows.put(table + "." + name, (count != null) ? count : 0);
		}
		return rows;
	}

	private static long rows(JdbcTemplate jdbc, String table, String userColumn) {
		Long count = jdbc.queryForObject("select count(*) from " + table + " where " + userColumn + " = 'alice'",
				Long.class);
		return (count != null) ? count : 0;
	}

	static class PoisonListener {

		@RealtimeListener(events = "poison")
		void onPoison(InboundMessage message) {
			throw new IllegalStateException("cannot handle this one");
		}

	}

}

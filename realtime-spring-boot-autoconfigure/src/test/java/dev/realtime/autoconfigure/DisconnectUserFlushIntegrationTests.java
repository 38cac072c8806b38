package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.test.TestDatabases;
import dev.realtime.test.TestHub;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code disconnectUser(id, true)} with every store in PostgreSQL: afterwards no table of
 * the library holds a row of that user, whatever tables the library has (they are listed
 * from the database's catalog, so a table added later is covered), and the other user
 * keeps every row.
 */
class DisconnectUserFlushIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static TestDatabases.Isolated database;

	private final TestHub hub = TestHub.start();

	@BeforeAll
	static void createDatabase() {
		database = TestDatabases.postgres().createIsolated("usersflush");
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@AfterEach
	void stopHub() {
		this.hub.close();
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
			.withPropertyValues("realtime.url=" + this.hub.uri(), "realtime.user-id=service",
					"realtime.inbox.max-attempts=1");
	}

	@Test
	void leavesNoRowOfTheUserInAnyLibraryTableAndEveryRowOfOthers() {
		for (String user : List.of("bob", "carol")) {
			this.hub.store(user, "receipt.read",
					Map.of("message_id", "m-0", "channel_id", "general", "user_id", "erin"));
			this.hub.store(user, "poison", Map.of("text", "parked"));
		}
		// nothing is acked, so both users' outbox rows stay; the flush then waits out its
		// timeout, shortened from 10 s because no ack can come (the wait for acks is
		// proven by flushSendsWhatIsPendingBeforeDeleting)
		this.hub.acking(false);
		this.runner().withPropertyValues("realtime.users.flush-timeout=500ms").run((context) -> {
			assertThat(context).hasNotFailed();
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			for (String user : List.of("bob", "carol")) {
				RealtimeClient client = clients.connectUser(UserProfile.of(user));
				await().atMost(WAIT)
					.until(() -> clients.receipts(user).hasUserRead("m-0", "erin")
							&& ((ObservableClient) client).metrics().failedInbound() == 1);
				clients.receipts(user).sendReadReceipt("m-1", "general");
				client.sendEvent("chat.message", Map.of("text", "hello from " + user));
			}
			await().atMost(WAIT).until(() -> this.hub.received().size() == 4);
			Map<String, Long> bobBefore = rowsByTable(jdbc, "bob");
			Map<String, Long> carolBefore = rowsByTable(jdbc, "carol");
			assertThat(bobBefore).containsEntry("realtime_outbox.user_id", 2L)
				.containsEntry("realtime_client.user_id", 1L)
				.containsEntry("realtime_inbox_event.user_id", 1L)
				.containsEntry("realtime_inbox_cursor.user_id", 1L)
				.containsEntry("realtime_read_receipt.owner_user_id", 2L);

			assertThat(clients.disconnectUser("bob", true)).isTrue();

			assertThat(rowsByTable(jdbc, "bob")).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
			assertThat(rowsByTable(jdbc, "carol")).isEqualTo(carolBefore);
			assertThat(clients.get("bob")).isEmpty();
			assertThat(clients.get("carol")).isPresent();
		});
	}

	@Test
	void flushSendsWhatIsPendingBeforeDeleting() {
		this.runner().run((context) -> {
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			RealtimeClient dave = clients.connectUser(UserProfile.of("dave"));
			for (int i = 1; i <= 50; i++) {
				dave.sendEvent("chat.message", Map.of("n", i));
			}
			// the flush deletes the client id with the rest: read it before
			String clientId = dave.clientId();
			clients.disconnectUser("dave", true);
			// every event reached the hub before the outbox rows went
			assertThat(this.hub.accepted()).filteredOn((frame) -> clientId.equals(frame.clientId())).hasSize(50);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(rowsByTable(jdbc, "dave")).allSatisfy((table, rows) -> assertThat(rows).as(table).isZero());
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

	static class PoisonListener {

		@RealtimeListener(events = "poison")
		void onPoison(InboundMessage message) {
			throw new IllegalStateException("cannot handle this one");
		}

	}

}

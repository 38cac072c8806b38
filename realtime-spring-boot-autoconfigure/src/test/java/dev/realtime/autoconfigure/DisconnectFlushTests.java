package dev.realtime.autoconfigure;

import java.time.Duration;
import java.time.Instant;
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

import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.receipts.ReadReceipt;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.test.TestDatabases;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code disconnect(true)} on a real client, connected to a real hub, with every store in
 * PostgreSQL: afterwards no table holds a row of that user, and other users keep theirs.
 */
class DisconnectFlushTests {

	private static TestDatabases.Isolated database;

	private final TestHub hub = TestHub.start();

	@BeforeAll
	static void createDatabase() {
		database = TestDatabases.postgres().createIsolated("flush");
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@AfterEach
	void stopHub() {
		this.hub.close();
	}

	@Test
	void disconnectWithFlushDeletesEveryRowOfTheUserReadReceiptsIncluded() {
		this.hub.store("alice", "receipt.read", Map.of("message_id", "m-0", "channel_id", "general", "user_id", "bob"));
		this.hub.store("alice", "poison", Map.of("text", "parked"));
		// nothing is acked, so the user's outbox rows stay
		this.hub.acking(false);
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
							TransactionAutoConfiguration.class, RealtimeOutboxAutoConfiguration.class,
							RealtimeInboxAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
							RealtimeAutoConfiguration.class, RealtimePresenceAutoConfiguration.class))
			.withBean(PoisonListener.class)
			.withPropertyValues(database.springProperties())
			.withPropertyValues("realtime.url=" + this.hub.uri(), "realtime.user-id=alice", "realtime.auth.token=t",
					"realtime.inbox.max-attempts=1")
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
				await().atMost(Duration.ofSeconds(10)).until(() -> this.hub.received().size() == 2);
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

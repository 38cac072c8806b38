package dev.realtime.demo.delivery;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.protocol.EventFrame;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One idempotency key, one event: the same key sent from two concurrent transactions
 * while the first event is still pending, and a read receipt sent twice for one message
 * inside and outside the caller's transactions, raise no exception, roll none of the
 * caller's work back, and reach the hub once. The client is disconnected while it sends,
 * so the first event is pending when the second arrives; its JPA outbox is on PostgreSQL
 * or MariaDB.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.keys-postgresql=keys-postgresql",
				"realtime.hub.tokens.keys-mariadb=keys-mariadb",
				"realtime.hub.tokens.receipts-postgresql=receipts-postgresql",
				"realtime.hub.tokens.receipts-mariadb=receipts-mariadb", "realtime.hub.rooms.open=room-1" })
class IdempotencyIntegrationTests extends ClientAgainstHubSupport {

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private TestDatabases.Isolated clientDatabase;

	private TransactionTemplate transactions;

	private JdbcTemplate jdbc;

	@AfterEach
	void stopExecutor() {
		this.executor.shutdownNow();
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void sameKeyFromTwoConcurrentTransactionsIsOneEventAndBothCommit(TestDatabases.Kind kind) throws Exception {
		String user = "keys-" + kind.name().toLowerCase(Locale.ROOT);
		RealtimeClient realtime = startDisconnectedClient(kind, user);
		SendOptions options = SendOptions.defaults().idempotencyKey("order-42-v1");
		CountDownLatch firstSent = new CountDownLatch(1);
		CountDownLatch commitFirst = new CountDownLatch(1);
		Future<SendHandle> first = this.executor.submit(() -> this.transactions.execute((status) -> {
			this.jdbc.update("insert into idem_work (name) values ('first')");
			SendHandle handle = realtime.sendEvent("order.placed", Map.of("order", 42), options);
			firstSent.countDown();
			awaitLatch(commitFirst);
			return handle;
		}));
		assertThat(firstSent.await(30, TimeUnit.SECONDS)).isTrue();
		Future<SendHandle> second = this.executor.submit(() -> this.transactions.execute((status) -> {
			this.jdbc.update("insert into idem_work (name) values ('second')");
			return realtime.sendEvent("order.placed", Map.of("order", 42), options);
		}));
		// the second transaction waits for the first one's row, or does not need to
		await().atMost(Duration.ofSeconds(30)).until(() -> second.isDone() || waitsForALock(kind));
		commitFirst.countDown();
		SendHandle firstHandle = first.get(30, TimeUnit.SECONDS);
		SendHandle secondHandle = second.get(30, TimeUnit.SECONDS);
		assertThat(work()).containsExactlyInAnyOrder("first", "second");

		realtime.connect();
		Acknowledgement firstAck = firstHandle.acknowledged().get(30, TimeUnit.SECONDS);
		Acknowledgement secondAck = secondHandle.acknowledged().get(30, TimeUnit.SECONDS);
		assertThat(secondAck.seq()).isEqualTo(firstAck.seq());
		await().until(() -> realtime.pendingCount() == 0);
		assertThat(accepted(realtime, "order.placed")).extracting(AcceptedEvent::idempotencyKey)
			.containsExactly("order-42-v1");
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void readReceiptSentTwiceInsideAndOutsideTransactionsIsOneEvent(TestDatabases.Kind kind) throws Exception {
		String user = "receipts-" + kind.name().toLowerCase(Locale.ROOT);
		RealtimeClient realtime = startDisconnectedClient(kind, user);
		ReadReceiptManager receipts = client().getBean(ReadReceiptManager.class);

		receipts.sendReadReceipt("m-outside", "room-1");
		receipts.sendReadReceipt("m-outside", "room-1");
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.update("insert into idem_work (name) values ('inside')");
			receipts.sendReadReceipt("m-inside", "room-1");
			receipts.sendReadReceipt("m-inside", "room-1");
		});
		receipts.sendReadReceipt("m-mixed", "room-1");
		this.transactions.executeWithoutResult((status) -> {
			this.jdbc.update("insert into idem_work (name) values ('mixed')");
			receipts.sendReadReceipt("m-mixed", "room-1");
		});
		assertThat(work()).containsExactlyInAnyOrder("inside", "mixed");

		realtime.connect();
		await().atMost(Duration.ofSeconds(30)).until(() -> realtime.pendingCount() == 0);
		assertThat(accepted(realtime, EventFrame.RECEIPT_READ))
			.extracting((event) -> event.payload().get("message_id").stringValue())
			.containsExactlyInAnyOrder("m-outside", "m-inside", "m-mixed");
	}

	private RealtimeClient startDisconnectedClient(TestDatabases.Kind kind, String user) throws SQLException {
		this.clientDatabase = createClientDatabase(kind);
		try (Connection connection = this.clientDatabase.connect();
				Statement statement = connection.createStatement()) {
			statement.execute("create table idem_work (name varchar(16) not null)");
		}
		RealtimeClient realtime = startClient(this.clientDatabase, user);
		this.transactions = client().getBean(TransactionTemplate.class);
		this.jdbc = client().getBean(JdbcTemplate.class);
		// disconnected, the client keeps the first event pending while the second one is
		// sent
		realtime.disconnect();
		await().until(() -> realtime.connectionState() == ConnectionState.DISCONNECTED);
		return realtime;
	}

	private boolean waitsForALock(TestDatabases.Kind kind) throws SQLException {
		String sql = (kind == TestDatabases.Kind.POSTGRESQL)
				? "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query ilike '%outbox%'"
				: "select count(*) from information_schema.innodb_trx where trx_state = 'LOCK WAIT'";
		try (Connection connection = this.clientDatabase.connect();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1) > 0;
		}
	}

	private List<String> work() throws SQLException {
		List<String> names = new ArrayList<>();
		try (Connection connection = this.clientDatabase.connect();
				Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("select name from idem_work")) {
			while (rs.next()) {
				names.add(rs.getString(1));
			}
		}
		return names;
	}

	private static void awaitLatch(CountDownLatch latch) {
		try {
			if (!latch.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Not released within 60s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}

package dev.realtime.inbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestDatabases;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Live events into the JDBC inbox on PostgreSQL, one event per frame as most hubs send
 * them: the frames that arrive while the inbox commits are stored together in its next
 * transaction, and the hub gets the ack of each only after that commit.
 */
class LiveInboundGroupCommitIntegrationTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestDatabases.Isolated isolated;

	private InboxDatabase database;

	private TestHub hub;

	private DefaultRealtimeClient client;

	private final List<Long> delivered = new CopyOnWriteArrayList<>();

	/** Holds the listener from seq 2 on, so the stored rows stay for the test to read. */
	private final CompletableFuture<Void> listenerGate = new CompletableFuture<>();

	@BeforeEach
	void start() {
		this.isolated = TestDatabases.postgres().createIsolated("inbox_group_commit");
		this.database = InboxDatabase.on(this.isolated.url(), TestDatabases.postgres().username(),
				TestDatabases.postgres().password());
		InboundStore store = new JdbcInboundStoreFactory(this.database.dataSource, this.database.transactions,
				JsonMapper.builder().build(), false, Clock.systemUTC())
			.create("alice");
		this.hub = this.fixture.hub();
		this.client = TestClients.create(TestClients.fastSettings(this.hub.uri(), "alice").build(),
				new StaticTokenProvider("t"), new InMemoryOutboundQueue(1000), store);
		this.client.onMessage((message) -> {
			this.delivered.add(message.seq());
			if (message.seq() >= 2) {
				this.listenerGate.join();
			}
		});
		this.fixture.connect(this.client);
	}

	@AfterEach
	void dropDatabase() {
		this.listenerGate.complete(null);
		if (this.isolated != null) {
			this.isolated.close();
		}
	}

	@Test
	void framesQueuedWhileTheInboxCommitsShareItsNextTransactionAndAreAckedAfterIt() throws SQLException {
		push(1);
		await().until(() -> this.hub.clientAcks().contains(1L));
		try (Connection blocker = this.isolated.connect()) {
			// the cursor row locked: the inbox's next commit waits, as behind a slow disk
			blocker.setAutoCommit(false);
			long blockerPid;
			try (Statement statement = blocker.createStatement()) {
				statement.execute("select last_ack_seq from realtime_inbox_cursor where user_id = 'alice' for update");
				ResultSet pid = statement.executeQuery("select pg_backend_pid()");
				pid.next();
				blockerPid = pid.getLong(1);
			}
			push(2);
			// the later frames arrive while event 2's transaction waits
			await().until(() -> this.database
				.count("select count(*) from pg_stat_activity where ? = any(pg_blocking_pids(pid))", blockerPid) == 1);
			for (int seq = 3; seq <= 51; seq++) {
				push(seq);
			}
			// counted as the events are handed to the store, before they are stored
			await().until(() -> this.client.metrics().messagesReceived() == 51);
			assertThat(this.hub.clientAcks()).as("nothing acked before it is committed").containsExactly(1L);
			blocker.rollback();
		}
		await().until(() -> this.hub.clientAcks().contains(51L));
		assertThat(this.hub.clientAcks()).containsExactly(1L, 2L, 51L);
		assertThat(this.database.count("select last_ack_seq from realtime_inbox_cursor where user_id = 'alice'"))
			.isEqualTo(51);
		List<String> batchTransactions = this.database.jdbc.queryForList(
				"select distinct xmin::text from realtime_inbox_event where user_id = 'alice' and seq between 3 and 51",
				String.class);
		assertThat(batchTransactions).as("events 3 to 51 inserted in one transaction").hasSize(1);
		assertThat(this.database.jdbc
			.queryForObject("select xmin::text from realtime_inbox_cursor where user_id = 'alice'", String.class))
			.as("the cursor moved in that transaction")
			.isEqualTo(batchTransactions.get(0));
		assertThat(this.database.jdbc.queryForObject(
				"select xmin::text from realtime_inbox_event where user_id = 'alice' and seq = 2", String.class))
			.as("event 2 committed before them")
			.isNotEqualTo(batchTransactions.get(0));

		this.listenerGate.complete(null);
		await().until(() -> this.delivered.size() == 51);
		assertThat(this.delivered).containsExactlyElementsOf(LongStream.rangeClosed(1, 51).boxed().toList());
		await().until(() -> this.database.count("select count(*) from realtime_inbox_event") == 0);
	}

	private void push(int seq) {
		EventFrame event = this.hub.store("alice", "order.status", Map.of("i", seq));
		assertThat(event.seq()).isEqualTo(seq);
		this.hub.sendRaw(this.hub.encode(List.of(event)));
	}

}

package dev.realtime.hub;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.hub.HubEventAcceptor.Accepted;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.MessageElement;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The group commit on PostgreSQL: runs of several connections queued while the writer is
 * busy commit in one transaction, each answered only after it; a run that fails fails its
 * own connection only.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "realtime.auto-connect=false")
class HubGroupCommitIntegrationTests extends PostgresSchemaSupport {

	@Autowired
	DefaultHub hub;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	DataSource dataSource;

	@Autowired
	PlatformTransactionManager transactionManager;

	@Test
	void runsQueuedWhileTheWriterIsBusyCommitTogetherEachAnsweredAfterTheCommit() throws Exception {
		List<Future<Accepted>> runs = queueBehindABlockedGroup("grouped", 4, false);
		for (Future<Accepted> run : runs) {
			Accepted accepted = run.get();
			assertThat(accepted.ackSeq()).isEqualTo(3);
			assertThat(accepted.deliveries().values()).singleElement()
				.satisfies((events) -> assertThat(events).extracting(StreamEvent::seq).containsExactly(1L, 2L, 3L));
		}
		assertThat(this.jdbc.queryForObject(
				"SELECT COUNT(DISTINCT xmin::text) FROM hub_message"
						+ " WHERE origin_client_id LIKE 'grouped-client%' AND origin_client_id <> 'grouped-client0'",
				Long.class))
			.isEqualTo(1);
		for (int i = 1; i <= 4; i++) {
			assertThat(this.hub.store().userStream("grouped-user" + i).lastSeq()).isEqualTo(3);
			assertThat(this.hub.store().acceptedSeq("grouped-client" + i)).isEqualTo(3);
		}
	}

	@Test
	void aRunThatFailsInAGroupFailsItsOwnConnectionOnly() throws Exception {
		List<Future<Accepted>> runs = queueBehindABlockedGroup("failing", 3, true);
		for (Future<Accepted> run : runs.subList(0, 3)) {
			assertThat(run.get().ackSeq()).isEqualTo(3);
		}
		// its thread wakes with the others', not necessarily before them
		assertThat(runs.get(3)).failsWithin(Duration.ofSeconds(10))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(IllegalStateException.class)
			.withMessageContaining("unregistered-client");
		for (int i = 1; i <= 3; i++) {
			assertThat(this.hub.store().userStream("failing-user" + i).lastSeq()).isEqualTo(3);
		}
		assertThat(this.hub.store().userStream("failing-user4").lastSeq()).isZero();
	}

	/**
	 * Start a run whose group waits for a lock this test holds on its user's stream
	 * counter, queue runs of other users behind it (one writer, so they form the next
	 * group), then release the lock.
	 * @param prefix first characters of the users and clients
	 * @param runs how many runs to queue, each of three events of its own user
	 * @param unregistered whether to queue one more run, from a client the hub never
	 * registered
	 * @return the queued runs' outcomes, once the first run committed
	 */
	private List<Future<Accepted>> queueBehindABlockedGroup(String prefix, int runs, boolean unregistered)
			throws Exception {
		HubGroupCommit groupCommit = groupCommit(1);
		Instant now = Instant.now();
		for (int i = 0; i <= runs + 1; i++) {
			this.hub.store().ensureUser(prefix + "-user" + i, now);
			if (i <= runs) {
				this.hub.store().bindClient(prefix + "-client" + i, prefix + "-user" + i, now);
			}
		}
		ExecutorService connections = Executors.newFixedThreadPool(runs + 2);
		try (Connection blocker = this.dataSource.getConnection()) {
			blocker.setAutoCommit(false);
			int blockerPid;
			try (Statement statement = blocker.createStatement();
					ResultSet locked = statement.executeQuery("SELECT pg_backend_pid() FROM hub_user"
							+ " WHERE user_id = '" + prefix + "-user0' FOR UPDATE")) {
				locked.next();
				blockerPid = locked.getInt(1);
			}
			Future<Accepted> first = connections
				.submit(() -> groupCommit.accept(prefix + "-client0", prefix + "-user0", events(2)));
			await().until(() -> blockedBy(blockerPid) == 1);
			List<Thread> queued = Collections.synchronizedList(new ArrayList<>());
			List<Future<Accepted>> outcomes = new ArrayList<>();
			for (int i = 1; i <= runs + (unregistered ? 1 : 0); i++) {
				String client = (i <= runs) ? prefix + "-client" + i : "unregistered-client";
				String user = prefix + "-user" + i;
				outcomes.add(connections.submit(() -> {
					queued.add(Thread.currentThread());
					return groupCommit.accept(client, user, events(3));
				}));
			}
			int expected = outcomes.size();
			// a thread waiting for its group is in Object.wait(): nothing else of the
			// group commit waits
			await().until(() -> queued.size() == expected
					&& queued.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
			assertThat(first.isDone()).isFalse();
			assertThat(outcomes).noneMatch(Future::isDone);
			blocker.commit();
			assertThat(first.get().ackSeq()).isEqualTo(2);
			return outcomes;
		}
		finally {
			connections.shutdown();
		}
	}

	private int blockedBy(int pid) {
		Integer blocked = this.jdbc.queryForObject(
				"SELECT COUNT(*) FROM pg_stat_activity WHERE ? = ANY (pg_blocking_pids(pid))", Integer.class, pid);
		return (blocked != null) ? blocked : 0;
	}

	private HubGroupCommit groupCommit(int writers) {
		HubEventAcceptor acceptor = new HubEventAcceptor(this.hub.store(),
				new HubEventValidator(this.hub.rooms(), this.hub.codec(), this.hub.properties()),
				new HubStreamFanOut(this.hub.store(), this.hub.rooms(), this.hub::metrics),
				new TransactionTemplate(this.transactionManager), Clock.systemUTC());
		return new HubGroupCommit(acceptor, writers);
	}

	private List<MessageElement> events(long count) {
		List<MessageElement> events = new ArrayList<>();
		for (long seq = 1; seq <= count; seq++) {
			EventFrame frame = new EventFrame(seq, null, "key" + seq, "chat.message",
					this.hub.codec().toPayload(Map.of("text", "hello " + seq)), null);
			events.add(new MessageElement(frame, null, null));
		}
		return events;
	}

}

package dev.realtime.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.autoconfigure.RealtimeOutboxAutoConfiguration;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.LeaseLostException;
import dev.realtime.client.spi.Resequencing;
import dev.realtime.client.spi.SequencedMessage;
import dev.realtime.test.MutableClock;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@link JdbcOutboundQueue} against a real database, through a Spring context configured
 * as an application would be. Each test works on a user of its own. Leases are timed by
 * the database's clock: a test expires one by moving its end into the past, which is the
 * clock it controls.
 */
abstract class AbstractJdbcOutboundQueueIntegrationTests {

	/** The default lease: expiry is simulated, never waited for. */
	private static final Duration LEASE = Duration.ofSeconds(30);

	private static TestDatabases.Isolated database;

	private static ConfigurableApplicationContext context;

	private final MutableClock clock = new MutableClock();

	private String userId;

	private TransactionTemplate transaction;

	private JdbcTemplate jdbc;

	static void start(TestDatabases.Server server) {
		database = server.createIsolated("outbox");
		context = new SpringApplicationBuilder(TestApplication.class).web(WebApplicationType.NONE)
			.properties(database.springProperties())
			.properties("spring.main.banner-mode=off")
			.run();
	}

	@AfterAll
	static void stop() {
		if (context != null) {
			context.close();
		}
		if (database != null) {
			database.close();
		}
	}

	@BeforeEach
	void setUp(TestInfo test) {
		String name = test.getTestMethod().orElseThrow().getName().toLowerCase();
		this.userId = name.substring(0, Math.min(20, name.length())) + "-"
				+ UUID.randomUUID().toString().substring(0, 8);
		this.transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		this.jdbc = new JdbcTemplate(context.getBean(DataSource.class));
	}

	/**
	 * A queue of the test's user, as one instance of the application (named by its owner
	 * id) has it.
	 */
	private JdbcOutboundQueue queue(String owner) {
		return factory(owner, 1000).create(this.userId);
	}

	/** A queue that holds the user's lease, as the relay's does. */
	private JdbcOutboundQueue leader(String owner) {
		JdbcOutboundQueue queue = queue(owner);
		assertThat(queue.acquireLease()).as("lease of " + owner).isTrue();
		return queue;
	}

	/**
	 * A leader past the relay's first claim (which reads the database) with events
	 * written since, which the group commit hands over.
	 */
	private JdbcOutboundQueue leaderWithHandedOverEvents(String owner, int events) {
		JdbcOutboundQueue queue = leader(owner);
		assertThat(queue.claim(10)).isEmpty();
		enqueueKeys(queue, events);
		return queue;
	}

	/** Enqueue the events k1 to k{@code count} in that order, outside a transaction. */
	private static void enqueueKeys(JdbcOutboundQueue queue, int count) {
		for (int i = 1; i <= count; i++) {
			queue.enqueue(message("k" + i), true, new RecordingOutcome());
		}
	}

	/**
	 * Enqueue and claim the events k1 and k2, then dead-letter both, as the relay does
	 * when the hub rejects them.
	 */
	private static void deadLetterTwoEvents(JdbcOutboundQueue queue) {
		enqueueKeys(queue, 2);
		queue.claim(10);
		queue.deadLetter(1, "invalid_event", "bad payload");
		queue.deadLetter(2, "forbidden", "not allowed");
	}

	private JdbcOutboundQueueFactory factory(String owner, long maxSize) {
		return new JdbcOutboundQueueFactory(context.getBean(DataSource.class), new JsonMapper(), maxSize, LEASE,
				Duration.ofSeconds(5), owner, this.clock);
	}

	/** Let the user's lease run out, as if its holder stopped renewing it a lease ago. */
	private void expireLease() {
		this.jdbc.update("update realtime_client set relay_lease_until = 0 where user_id = ?", this.userId);
	}

	protected JdbcTemplate jdbc() {
		return this.jdbc;
	}

	protected String userId() {
		return this.userId;
	}

	private static OutboundMessage message(String key) {
		return new OutboundMessage(key, "chat.message", "{\"text\":\"" + key + "\"}",
				Instant.parse("2025-11-21T14:48:02.123456Z"));
	}

	private long rows() {
		return this.jdbc.queryForObject("select count(*) from realtime_outbox where user_id = ?", Long.class,
				this.userId);
	}

	@Test
	void enqueueInsideATransactionCommitsWithTheCaller() {
		JdbcOutboundQueue queue = queue("a");
		RecordingOutcome outcome = new RecordingOutcome();
		this.transaction.executeWithoutResult((status) -> {
			queue.enqueue(message("k1"), true, outcome);
			assertThat(outcome.claimable).hasValue(0);
		});
		assertThat(outcome.claimable).hasValue(1);
		assertThat(outcome.discarded).hasValue(0);
		assertThat(rows()).isEqualTo(1);
		assertThat(queue.pendingCount()).isEqualTo(1);
	}

	@Test
	void enqueueInARolledBackTransactionLeavesNothingAndIsDiscarded() {
		JdbcOutboundQueue queue = leader("a");
		RecordingOutcome outcome = new RecordingOutcome();
		assertThatRuntimeException().isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
			queue.enqueue(message("k1"), true, outcome);
			throw new IllegalStateException("business failure");
		}));
		assertThat(outcome.discarded).hasValue(1);
		assertThat(outcome.claimable).hasValue(0);
		assertThat(rows()).isZero();
		assertThat(queue.pendingCount()).isZero();
		assertThat(queue.claim(10)).isEmpty();
	}

	@Test
	void sendsInATransactionAreHeldUntilJustBeforeTheCommitAndCountedAsPending() {
		JdbcOutboundQueue queue = leader("a");
		RecordingOutcome outcome = new RecordingOutcome();
		this.transaction.executeWithoutResult((status) -> {
			for (int i = 1; i <= 100; i++) {
				assertThat(queue.enqueue(message("k" + i), true, outcome)).isTrue();
			}
			assertThat(rows()).as("in the caller's transaction, before its commit").isZero();
			assertThat(queue.pendingCount()).isEqualTo(100);
		});
		assertThat(rows()).isEqualTo(100);
		assertThat(outcome.claimable).hasValue(100);
		assertThat(queue.pendingCount()).isEqualTo(100);
		List<SequencedMessage> claimed = new ArrayList<>();
		for (List<SequencedMessage> batch = queue.claim(64); !batch.isEmpty(); batch = queue.claim(64)) {
			claimed.addAll(batch);
		}
		assertThat(claimed).extracting(SequencedMessage::seq).isEqualTo(seqList(1, 100));
		assertThat(claimed).extracting((m) -> m.message().idempotencyKey())
			.isEqualTo(java.util.stream.IntStream.rangeClosed(1, 100).mapToObj((i) -> "k" + i).toList());
	}

	@Test
	void aKeySentTwiceInOneTransactionIsOneEvent() {
		JdbcOutboundQueue queue = leader("a");
		RecordingOutcome outcome = new RecordingOutcome();
		this.transaction.executeWithoutResult((status) -> {
			assertThat(queue.enqueue(message("k1"), true, outcome)).isTrue();
			assertThat(queue.enqueue(message("k1"), true, outcome)).isFalse();
			assertThat(queue.pendingCount()).isEqualTo(1);
		});
		assertThat(rows()).isEqualTo(1);
		assertThat(queue.pendingCount()).isEqualTo(1);
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L);
	}

	@Test
	void aSendFromASynchronizationThatRunsAfterTheHeldSendsWereWrittenIsWrittenInTheTransaction() {
		JdbcOutboundQueue queue = leader("a");
		RecordingOutcome outcome = new RecordingOutcome();
		this.transaction.executeWithoutResult((status) -> {
			queue.enqueue(message("k1"), true, outcome);
			// registered after the queue's own: its beforeCommit runs after the batch
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

				@Override
				public void beforeCommit(boolean readOnly) {
					assertThat(queue.enqueue(message("k2"), true, outcome)).isTrue();
					assertThat(queue.enqueue(message("k1"), true, outcome)).as("held and written").isFalse();
				}

			});
		});
		assertThat(outcome.claimable).hasValue(2);
		assertThat(queue.pendingCount()).isEqualTo(2);
		assertThat(queue.claim(10)).extracting((m) -> m.message().idempotencyKey()).containsExactly("k1", "k2");
	}

	@Test
	void aRolledBackSavepointDiscardsOnlyTheSendsMadeInsideIt() {
		JdbcOutboundQueue queue = leader("a");
		// JDBC savepoints: the JPA transaction manager allows no nested transactions by
		// default
		JdbcTransactionManager savepoints = new JdbcTransactionManager(context.getBean(DataSource.class));
		TransactionTemplate outerTransaction = new TransactionTemplate(savepoints);
		TransactionTemplate nested = new TransactionTemplate(savepoints);
		nested.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
		RecordingOutcome outer = new RecordingOutcome();
		RecordingOutcome rolledBack = new RecordingOutcome();
		RecordingOutcome kept = new RecordingOutcome();
		outerTransaction.executeWithoutResult((status) -> {
			queue.enqueue(message("k1"), true, outer);
			nested.executeWithoutResult((savepoint) -> {
				queue.enqueue(message("k2"), true, rolledBack);
				queue.enqueue(message("k3"), true, rolledBack);
				savepoint.setRollbackOnly();
			});
			assertThat(rolledBack.discarded).hasValue(2);
			assertThat(queue.pendingCount()).isEqualTo(1);
			nested.executeWithoutResult((savepoint) -> queue.enqueue(message("k4"), true, kept));
			// sent again after its savepoint rolled back: a new event
			queue.enqueue(message("k2"), true, outer);
			assertThat(queue.pendingCount()).isEqualTo(3);
		});
		assertThat(queue.claim(10)).extracting((m) -> m.message().idempotencyKey()).containsExactly("k1", "k4", "k2");
		assertThat(outer.claimable).hasValue(2);
		assertThat(kept.claimable).hasValue(1);
		assertThat(rolledBack.claimable).hasValue(0);
		assertThat(queue.pendingCount()).isEqualTo(3);
	}

	@Test
	void aRequiresNewTransactionWritesItsOwnSendsWhateverBecomesOfTheOuterOne() {
		JdbcOutboundQueue queue = leader("a");
		TransactionTemplate requiresNew = new TransactionTemplate(this.transaction.getTransactionManager());
		requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		RecordingOutcome outer = new RecordingOutcome();
		RecordingOutcome inner = new RecordingOutcome();
		assertThatRuntimeException().isThrownBy(() -> this.transaction.executeWithoutResult((status) -> {
			queue.enqueue(message("outer"), true, outer);
			requiresNew.executeWithoutResult((own) -> queue.enqueue(message("inner"), true, inner));
			assertThat(inner.claimable).as("committed with its own transaction").hasValue(1);
			assertThat(queue.pendingCount()).isEqualTo(2);
			throw new IllegalStateException("business failure");
		}));
		assertThat(outer.discarded).hasValue(1);
		assertThat(queue.pendingCount()).isEqualTo(1);
		assertThat(queue.claim(10)).extracting((m) -> m.message().idempotencyKey()).containsExactly("inner");
	}

	@Test
	void aRolledBackRequiresNewTransactionLeavesTheOuterOnesSends() {
		JdbcOutboundQueue queue = leader("a");
		TransactionTemplate requiresNew = new TransactionTemplate(this.transaction.getTransactionManager());
		requiresNew.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		RecordingOutcome inner = new RecordingOutcome();
		this.transaction.executeWithoutResult((status) -> {
			queue.enqueue(message("outer"), true, new RecordingOutcome());
			requiresNew.executeWithoutResult((own) -> {
				queue.enqueue(message("inner"), true, inner);
				own.setRollbackOnly();
			});
			queue.enqueue(message("after"), true, new RecordingOutcome());
		});
		assertThat(inner.discarded).hasValue(1);
		assertThat(queue.pendingCount()).isEqualTo(2);
		assertThat(queue.claim(10)).extracting((m) -> m.message().idempotencyKey()).containsExactly("outer", "after");
	}

	@Test
	void enqueueOutsideATransactionCommitsBeforeItReturns() {
		JdbcOutboundQueue queue = queue("a");
		RecordingOutcome outcome = new RecordingOutcome();
		assertThat(queue.enqueue(message("k1"), true, outcome)).isTrue();
		assertThat(outcome.claimable).hasValue(1);
		assertThat(rows()).isEqualTo(1);
	}

	@Test
	void concurrentSendsOutsideATransactionAreAllStoredOnceAndInEachThreadsOrder() throws Exception {
		JdbcOutboundQueue queue = queue("a");
		ExecutorService executor = Executors.newFixedThreadPool(8);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < 8; t++) {
				int thread = t;
				runs.add(executor.submit(() -> {
					for (int i = 0; i < 50; i++) {
						queue.enqueue(message("t" + thread + "-" + i), true, new RecordingOutcome());
					}
					return null;
				}));
			}
			for (Future<?> run : runs) {
				run.get();
			}
		}
		finally {
			executor.shutdown();
		}
		assertThat(rows()).isEqualTo(400);
		assertThat(queue.acquireLease()).isTrue();
		List<SequencedMessage> claimed = new ArrayList<>();
		for (List<SequencedMessage> batch = queue.claim(64); !batch.isEmpty(); batch = queue.claim(64)) {
			claimed.addAll(batch);
		}
		assertThat(claimed).extracting(SequencedMessage::seq).isEqualTo(seqList(1, 400));
		for (int t = 0; t < 8; t++) {
			String prefix = "t" + t + "-";
			List<String> keys = claimed.stream()
				.map((m) -> m.message().idempotencyKey())
				.filter((key) -> key.startsWith(prefix))
				.toList();
			assertThat(keys).as("thread %d in its own order", t)
				.isEqualTo(java.util.stream.IntStream.range(0, 50).mapToObj((i) -> prefix + i).toList());
		}
	}

	@Test
	void theSameKeyTwiceIsStoredOnceInsideAndOutsideTransactionsWithoutException() {
		JdbcOutboundQueue queue = queue("a");
		assertThat(queue.enqueue(message("k1"), true, new RecordingOutcome())).isTrue();
		assertThat(queue.enqueue(message("k1"), true, new RecordingOutcome())).isFalse();
		RecordingOutcome inside = new RecordingOutcome();
		this.transaction.executeWithoutResult((status) -> {
			// held for the commit, where the pending key keeps its row: one event
			assertThat(queue.enqueue(message("k1"), true, inside)).isTrue();
			// the caller's transaction is intact: its own work still commits
			this.jdbc.update("insert into realtime_client (user_id, client_id, relay_epoch) values (?, 'c', 0)",
					this.userId + "-x");
		});
		assertThat(inside.discarded).hasValue(0);
		assertThat(rows()).isEqualTo(1);
		assertThat(this.jdbc.queryForObject("select count(*) from realtime_client where user_id = ?", Long.class,
				this.userId + "-x"))
			.isEqualTo(1);
		assertThat(queue.pendingCount()).isEqualTo(1);
	}

	@Test
	void theSameKeyFromTwoConcurrentTransactionsIsStoredOnceAndNeitherRollsBack() throws Exception {
		JdbcOutboundQueue queue = queue("a");
		CountDownLatch secondStarted = new CountDownLatch(1);
		Future<Boolean> first = enqueueInOpenTransaction(queue, "shared", secondStarted);
		Boolean second = this.transaction.execute((status) -> {
			secondStarted.countDown();
			// both held for their commits: the later commit finds the key pending
			return queue.enqueue(message("shared"), true, new RecordingOutcome());
		});
		assertThat(first.get()).isTrue();
		assertThat(second).isTrue();
		assertThat(rows()).isEqualTo(1);
		queue.recount();
		assertThat(queue.pendingCount()).isEqualTo(1);
	}

	/**
	 * Enqueue the message in a transaction on a thread of its own, and return once it is
	 * written, with the transaction kept open until {@code commit} is counted down.
	 */
	private Future<Boolean> enqueueInOpenTransaction(JdbcOutboundQueue queue, String key, CountDownLatch commit)
			throws InterruptedException {
		CountDownLatch written = new CountDownLatch(1);
		FutureTask<Boolean> enqueue = new FutureTask<>(() -> this.transaction.execute((status) -> {
			try {
				return queue.enqueue(message(key), true, new RecordingOutcome());
			}
			finally {
				// also after a failed enqueue: the test goes on, get() reports it
				written.countDown();
				await(commit);
			}
		}));
		new Thread(enqueue, "open-transaction").start();
		written.await();
		return enqueue;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void claimAssignsGaplessSeqsInOrderAndResendsKeepSeqAndKey() {
		JdbcOutboundQueue queue = leader("a");
		enqueueKeys(queue, 5);
		List<SequencedMessage> first = queue.claim(3);
		assertThat(first).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L);
		assertThat(first).extracting((m) -> m.message().idempotencyKey()).containsExactly("k1", "k2", "k3");
		assertThat(first.get(0).message().payloadJson()).isEqualTo("{\"text\":\"k1\"}");
		assertThat(first.get(0).message().createdAt()).isEqualTo(Instant.parse("2025-11-21T14:48:02.123456Z"));
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(4L, 5L);
		assertThat(queue.claim(10)).as("claimed rows are not claimed again").isEmpty();
		queue.releaseClaims();
		queue.enqueue(message("k6"), true, new RecordingOutcome());
		List<SequencedMessage> resent = queue.claim(10);
		assertThat(resent).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(resent).extracting((m) -> m.message().idempotencyKey())
			.containsExactly("k1", "k2", "k3", "k4", "k5", "k6");
		assertThat(queue.highestSeq()).isEqualTo(6);
	}

	@Test
	void anEventCommittedAfterLaterOnesWereRelayedIsStillClaimed() throws Exception {
		JdbcOutboundQueue queue = leader("a");
		CountDownLatch release = new CountDownLatch(1);
		// inserted first (lower id), committed last
		Future<Boolean> late = enqueueInOpenTransaction(queue, "late", release);
		queue.enqueue(message("early"), true, new RecordingOutcome());
		assertThat(queue.claim(10)).extracting((m) -> m.message().idempotencyKey()).containsExactly("early");
		release.countDown();
		late.get();
		List<SequencedMessage> claimed = queue.claim(10);
		assertThat(claimed).extracting((m) -> m.message().idempotencyKey()).containsExactly("late");
		assertThat(claimed).extracting(SequencedMessage::seq).containsExactly(2L);
	}

	@Test
	void eventsWrittenOutsideATransactionTakeTheirSeqsAsTheyAreWrittenWithoutGaps() {
		JdbcOutboundQueue queue = leader("a");
		assertThat(queue.enqueue(message("k1"), true, new RecordingOutcome())).isTrue();
		assertThat(queue.enqueue(message("k1"), true, new RecordingOutcome())).as("a pending key").isFalse();
		assertThat(queue.enqueue(message("k2"), true, new RecordingOutcome())).isTrue();
		assertThat(this.jdbc.queryForList(
				"select concat(status, ':', seq) from realtime_outbox where user_id = ? order by seq", String.class,
				this.userId))
			.as("numbered by the group commit, the pending key skipping no seq")
			.containsExactly("SEQUENCED:1", "SEQUENCED:2");
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L, 2L);
	}

	@Test
	void aSendersEventOutsideATransactionWaitsForItsEarlierOneFromATransaction() {
		JdbcOutboundQueue queue = leader("a");
		this.transaction
			.executeWithoutResult((status) -> queue.enqueue(message("in-transaction"), true, new RecordingOutcome()));
		queue.enqueue(message("after"), true, new RecordingOutcome());
		assertThat(this.jdbc.queryForList("select status from realtime_outbox where user_id = ?", String.class,
				this.userId))
			.as("not numbered ahead of the new row before it")
			.containsOnly("NEW");
		List<SequencedMessage> claimed = queue.claim(10);
		assertThat(claimed).extracting((m) -> m.message().idempotencyKey()).containsExactly("in-transaction", "after");
		assertThat(claimed).extracting(SequencedMessage::seq).containsExactly(1L, 2L);
		// nothing new waits any more: the next event is numbered as it is written
		queue.claim(10);
		queue.enqueue(message("later"), true, new RecordingOutcome());
		assertThat(this.jdbc.queryForObject("select seq from realtime_outbox where user_id = ? and idempotency_key"
				+ " = 'later' and status = 'SEQUENCED'", Long.class, this.userId))
			.isEqualTo(3L);
	}

	@Test
	void theBoundOfAcksIsTheHighestSeqSentNotTheHighestNumbered() {
		JdbcOutboundQueue first = leaderWithHandedOverEvents("instance-a", 5);
		assertThat(first.highestSeq()).as("numbered, none sent").isZero();
		first.claim(2);
		assertThat(first.highestSeq()).isEqualTo(2);
		// claimed as the group commit handed them over: the bound is recorded with the
		// next ack
		first.acknowledge(1);
		expireLease();
		JdbcOutboundQueue successor = leader("instance-b");
		assertThat(successor.highestSeq()).as("a hub's ack of 3 to 5 claims what was never sent").isEqualTo(2);
	}

	@Test
	void aResumeAckAboveTheHighestSentButWithinTheSeqsGivenOutMovesNothing() {
		JdbcOutboundQueue queue = leaderWithHandedOverEvents("instance-a", 5);
		queue.claim(2);
		assertThat(queue.resequenceAbove(5)).as("a crash lost the record of what was sent").isNull();
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
	}

	@Test
	void aResumeAckAboveEverySeqGivenOutMovesTheUnackedEventsAboveItWithTheirKeys() {
		JdbcOutboundQueue queue = leaderWithHandedOverEvents("instance-a", 5);
		queue.claim(3);
		queue.acknowledge(1);
		assertThat(queue.resequenceAbove(100)).isEqualTo(new Resequencing(5, 4));
		assertThat(queue.highestSeq()).as("the bound of acks").isEqualTo(100);
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq, (claimed) -> claimed.message().idempotencyKey())
			.containsExactly(tuple(101L, "k2"), tuple(102L, "k3"), tuple(103L, "k4"), tuple(104L, "k5"));
		queue.enqueue(message("k6"), true, new RecordingOutcome());
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(105L);
		// durable: the next holder of the lease continues from there
		queue.acknowledge(102);
		expireLease();
		JdbcOutboundQueue successor = leader("instance-b");
		assertThat(successor.highestSeq()).isEqualTo(105);
		assertThat(successor.claim(10)).extracting(SequencedMessage::seq).containsExactly(103L, 104L, 105L);
		assertThat(successor.resequenceAbove(105)).isNull();
	}

	@Test
	void onlyTheHolderOfTheLeaseMovesTheSeqs() {
		JdbcOutboundQueue first = leaderWithHandedOverEvents("instance-a", 2);
		first.claim(2);
		expireLease();
		leader("instance-b");
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> first.resequenceAbove(100));
		assertThat(this.jdbc.queryForList("select seq from realtime_outbox where user_id = ? order by seq", Long.class,
				this.userId))
			.containsExactly(1L, 2L);
	}

	@Test
	void aReleasedLeaseRecordsTheBoundOfAcksForTheNextHolder() {
		JdbcOutboundQueue first = leaderWithHandedOverEvents("instance-a", 3);
		first.claim(2);
		first.releaseLease();
		JdbcOutboundQueue successor = leader("instance-b");
		assertThat(successor.highestSeq()).isEqualTo(2);
	}

	@Test
	void anEventHandedOverByItsGroupCommitIsResentExactlyAsItWasFirstSent() {
		JdbcOutboundQueue queue = leader("a");
		// the relay's first claim after taking the lease reads the database
		assertThat(queue.claim(10)).isEmpty();
		String payload = "{\"text\":\"héllo \\\"quoted\\\"\",\"items\":[1,2.5,null]}";
		queue.enqueue(new OutboundMessage("k1", "e", payload, Instant.parse("2025-11-21T14:48:02.123456789Z")), true,
				new RecordingOutcome());
		List<SequencedMessage> first = queue.claim(10);
		queue.releaseClaims();
		List<SequencedMessage> resent = queue.claim(10);
		assertThat(resent).as("read back from the database").isEqualTo(first);
		assertThat(first.get(0).message().createdAt()).as("to the microsecond, as stored")
			.isEqualTo(Instant.parse("2025-11-21T14:48:02.123456Z"));
	}

	@Test
	void aBacklogBeyondWhatTheGroupCommitsKeepInMemoryIsClaimedFromTheDatabaseInOrder() {
		JdbcOutboundQueue queue = factory("a", 2 * WrittenRows.MAX_PER_USER).create(this.userId);
		assertThat(queue.acquireLease()).isTrue();
		int events = WrittenRows.MAX_PER_USER + 5;
		enqueueKeys(queue, events);
		List<SequencedMessage> claimed = new ArrayList<>(queue.claim(100));
		for (List<SequencedMessage> more = queue.claim(500); !more.isEmpty(); more = queue.claim(500)) {
			claimed.addAll(more);
		}
		assertThat(claimed).extracting(SequencedMessage::seq)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, events).boxed().toList());
		assertThat(claimed).extracting((m) -> m.message().idempotencyKey()).endsWith("k" + events);
	}

	@Test
	void oldestPendingCreatedAtFollowsTheBacklog() {
		JdbcOutboundQueue queue = leader("a");
		assertThat(queue.oldestPendingCreatedAt()).isEmpty();
		queue.enqueue(new OutboundMessage("old", "e", "{}", Instant.parse("2025-11-21T10:00:00.000001Z")), true,
				new RecordingOutcome());
		queue.enqueue(new OutboundMessage("new", "e", "{}", Instant.parse("2025-11-21T11:00:00Z")), true,
				new RecordingOutcome());
		assertThat(queue.oldestPendingCreatedAt()).contains(Instant.parse("2025-11-21T10:00:00.000001Z"));
		queue.claim(1);
		queue.acknowledge(1);
		assertThat(queue.oldestPendingCreatedAt()).contains(Instant.parse("2025-11-21T11:00:00Z"));
		queue.claim(1);
		queue.acknowledge(2);
		assertThat(queue.oldestPendingCreatedAt()).isEmpty();
	}

	@Test
	void bestEffortEventsStayInMemoryButShareTheSeqStream() {
		JdbcOutboundQueue queue = leader("a");
		queue.enqueue(message("durable-1"), true, new RecordingOutcome());
		RecordingOutcome outcome = new RecordingOutcome();
		queue.enqueue(new OutboundMessage("memory-1", "typing", "{}", Instant.parse("2025-11-21T14:48:03Z")), false,
				outcome);
		queue.enqueue(new OutboundMessage("durable-2", "e", "{}", Instant.parse("2025-11-21T14:48:04Z")), true,
				new RecordingOutcome());
		assertThat(outcome.claimable).hasValue(1);
		assertThat(rows()).isEqualTo(2);
		assertThat(queue.pendingCount()).isEqualTo(3);
		List<SequencedMessage> claimed = queue.claim(10);
		assertThat(claimed).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L);
		assertThat(claimed).extracting((m) -> m.message().idempotencyKey())
			.containsExactly("durable-1", "memory-1", "durable-2");
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L);
		assertThat(queue.acknowledge(3)).isEqualTo(3);
		assertThat(queue.pendingCount()).isZero();
	}

	@Test
	void acknowledgeDeletesEverythingUpToTheSeq() {
		JdbcOutboundQueue queue = leader("a");
		enqueueKeys(queue, 4);
		queue.claim(10);
		assertThat(queue.acknowledge(3)).isEqualTo(3);
		assertThat(rows()).isEqualTo(1);
		assertThat(queue.pendingCount()).isEqualTo(1);
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(4L);
	}

	@Test
	void deadLettersAreNeitherResentNorPending() {
		JdbcOutboundQueue queue = leader("a");
		enqueueKeys(queue, 2);
		queue.claim(10);
		assertThat(queue.deadLetter(1, "invalid_event", "bad payload")).isTrue();
		assertThat(queue.deadLetter(1, "invalid_event", "again")).isFalse();
		assertThat(queue.pendingCount()).isEqualTo(1);
		assertThat(queue.deadLetterCount()).isEqualTo(1);
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(2L);
		queue.acknowledge(2);
		assertThat(rows()).as("the dead letter stays").isEqualTo(1);
		assertThat(queue.pendingCount()).isZero();
	}

	@Test
	void aDeadLetterKeepsWhatTheHubSaidOfItWithinItsColumnsWhateverTheHubSent() {
		JdbcOutboundQueueFactory factory = factory("a", 100);
		JdbcOutboundQueue queue = factory.create(this.userId);
		assertThat(queue.acquireLease()).isTrue();
		enqueueKeys(queue, 1);
		queue.claim(10);
		assertThat(queue.deadLetter(1, "c".repeat(100), "nul\u0000inside " + "m".repeat(2000))).isTrue();
		OutboxDeadLetter stored = new OutboxDeadLetters(factory).list(this.userId, 0, 1).get(0);
		assertThat(stored.errorCode()).isEqualTo("c".repeat(64));
		assertThat(stored.errorMessage()).hasSize(1000).startsWith("nul\uFFFDinside m");
	}

	@Test
	void deadLettersCanBeListedRetriedWithAFreshSeqAndDeleted() {
		JdbcOutboundQueueFactory factory = factory("a", 100);
		JdbcOutboundQueue queue = factory.create(this.userId);
		assertThat(queue.acquireLease()).isTrue();
		OutboxDeadLetters deadLetters = new OutboxDeadLetters(factory);
		deadLetterTwoEvents(queue);
		queue.acknowledge(2);
		List<OutboxDeadLetter> listed = deadLetters.list(this.userId, 0, 10);
		assertThat(listed).extracting(OutboxDeadLetter::idempotencyKey).containsExactly("k1", "k2");
		assertThat(listed.get(0).errorCode()).isEqualTo("invalid_event");
		assertThat(listed.get(0).payload().get("text").asString()).isEqualTo("k1");
		assertThat(deadLetters.list(this.userId, 1, 1)).extracting(OutboxDeadLetter::idempotencyKey)
			.containsExactly("k2");
		assertThat(deadLetters.retry(this.userId, listed.get(0).id())).isTrue();
		assertThat(deadLetters.delete(this.userId, listed.get(1).id())).isTrue();
		assertThat(deadLetters.count(this.userId)).isZero();
		assertThat(queue.deadLetterCount()).isZero();
		assertThat(queue.pendingCount()).isEqualTo(1);
		List<SequencedMessage> resent = queue.claim(10);
		assertThat(resent).extracting(SequencedMessage::seq).containsExactly(3L);
		assertThat(resent.get(0).message().idempotencyKey()).isEqualTo("k1");
	}

	@Test
	void retryingADeadLetterWakesTheRelayOfTheUsersQueue() {
		JdbcOutboundQueueFactory factory = factory("a", 100);
		JdbcOutboundQueue queue = factory.create(this.userId);
		AtomicInteger wakeUps = new AtomicInteger();
		queue.onClaimable(wakeUps::incrementAndGet);
		assertThat(queue.acquireLease()).isTrue();
		OutboxDeadLetters deadLetters = new OutboxDeadLetters(factory);
		deadLetterTwoEvents(queue);
		List<OutboxDeadLetter> listed = deadLetters.list(this.userId, 0, 10);
		assertThat(deadLetters.delete(this.userId, listed.get(1).id())).isTrue();
		assertThat(wakeUps).as("nothing to send after a delete").hasValue(0);
		assertThat(deadLetters.retry(this.userId, listed.get(0).id())).isTrue();
		assertThat(wakeUps).hasValue(1);
	}

	@Test
	void maxSizeFailsFastWithNothingWritten() {
		JdbcOutboundQueue queue = factory("a", 2).create(this.userId);
		assertThat(queue.acquireLease()).isTrue();
		queue.enqueue(message("k1"), true, new RecordingOutcome());
		queue.enqueue(message("k2"), true, new RecordingOutcome());
		RecordingOutcome outcome = new RecordingOutcome();
		assertThatExceptionOfType(OutboundQueueFullException.class).isThrownBy(
				() -> this.transaction.executeWithoutResult((status) -> queue.enqueue(message("k3"), true, outcome)));
		assertThatExceptionOfType(OutboundQueueFullException.class)
			.isThrownBy(() -> queue.enqueue(message("k4"), false, outcome));
		assertThat(rows()).isEqualTo(2);
		assertThat(outcome.claimable).hasValue(0);
		queue.claim(10);
		queue.acknowledge(1);
		queue.enqueue(message("k5"), true, outcome);
		assertThat(rows()).isEqualTo(2);
	}

	@Test
	void clearStartsANewClientIdAtSeqOne() {
		JdbcOutboundQueue queue = leader("a");
		String clientId = queue.clientId();
		assertThat(queue("a").clientId()).as("kept across queue instances").isEqualTo(clientId);
		queue.enqueue(message("k1"), true, new RecordingOutcome());
		queue.claim(10);
		queue.clear();
		assertThat(rows()).isZero();
		assertThat(queue.clientId()).isNotEqualTo(clientId);
		assertThat(queue.acquireLease()).isTrue();
		queue.enqueue(message("k2"), true, new RecordingOutcome());
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L);
	}

	@Test
	void oneInstanceHoldsTheLeaseUntilItReleasesItOrItExpires() {
		JdbcOutboundQueue first = leader("instance-a");
		JdbcOutboundQueue second = queue("instance-b");
		assertThat(second.acquireLease()).as("held by the first").isFalse();
		assertThat(first.acquireLease()).as("renewed").isTrue();
		first.releaseLease();
		assertThat(second.acquireLease()).as("released: taken at once").isTrue();
		assertThat(first.acquireLease()).isFalse();
		expireLease();
		assertThat(first.acquireLease()).as("expired: taken over").isTrue();
		assertThat(second.acquireLease()).isFalse();
	}

	@Test
	void aStaleLeaderIsFencedOffAndTheNewOneResendsEverythingWithSeqsAndKeysKept() {
		JdbcOutboundQueue stale = leader("instance-a");
		enqueueKeys(stale, 5);
		assertThat(stale.claim(3)).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L);
		// the leader pauses past its lease; another instance takes over
		expireLease();
		JdbcOutboundQueue successor = leader("instance-b");
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> stale.claim(10));
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> stale.acknowledge(3));
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> stale.deadLetter(1, "invalid_event", "x"));
		assertThat(rows()).as("the stale leader deleted nothing").isEqualTo(5);
		List<SequencedMessage> taken = successor.claim(10);
		assertThat(taken).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
		assertThat(taken)
			.allSatisfy((message) -> assertThat(message.message().idempotencyKey()).isEqualTo("k" + message.seq()));
	}

	@Test
	void withoutTheLeaseNothingIsClaimed() {
		JdbcOutboundQueue leader = leader("instance-a");
		JdbcOutboundQueue follower = queue("instance-b");
		follower.enqueue(message("k1"), true, new RecordingOutcome());
		assertThat(follower.acquireLease()).isFalse();
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> follower.claim(10));
		assertThat(leader.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L);
	}

	private static List<Long> seqList(long from, long to) {
		List<Long> result = new ArrayList<>();
		for (long seq = from; seq <= to; seq++) {
			result.add(seq);
		}
		return result;
	}

	static final class RecordingOutcome implements EnqueueOutcome {

		final AtomicInteger claimable = new AtomicInteger();

		final AtomicInteger discarded = new AtomicInteger();

		@Override
		public void claimable() {
			this.claimable.incrementAndGet();
		}

		@Override
		public void discarded() {
			this.discarded.incrementAndGet();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
			TransactionAutoConfiguration.class, RealtimeOutboxAutoConfiguration.class })
	static class TestApplication {

	}

}

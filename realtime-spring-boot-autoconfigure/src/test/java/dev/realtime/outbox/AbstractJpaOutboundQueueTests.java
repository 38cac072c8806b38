package dev.realtime.outbox;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.autoconfigure.RealtimeOutboxAutoConfiguration;
import dev.realtime.client.EnqueueOutcome;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.SequencedMessage;
import dev.realtime.test.MutableClock;
import dev.realtime.test.TestDatabases;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * {@link JpaOutboundQueue} against a real database, through a Spring context configured as an
 * application would be. Each test works on a user of its own.
 */
abstract class AbstractJpaOutboundQueueTests {

	private static final Duration LEASE = Duration.ofSeconds(5);

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
		this.userId = name.substring(0, Math.min(20, name.length())) + "-" + UUID.randomUUID().toString().substring(0, 8);
		this.transaction = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
		this.jdbc = new JdbcTemplate(context.getBean(DataSource.class));
	}

	private JpaOutboundQueue queue(String owner) {
		return factory(owner, 1000).create(this.userId);
	}

	private JpaOutboundQueueFactory factory(String owner, long maxSize) {
		return new JpaOutboundQueueFactory(context.getBean(EntityManagerFactory.class),
				context.getBean(PlatformTransactionManager.class), new JsonMapper(), maxSize, LEASE, owner, this.clock);
	}

	private static OutboundMessage message(String key) {
		return new OutboundMessage(key, "chat.message", JsonNodeFactory.instance.objectNode().put("text", key),
				Instant.parse("2025-11-21T14:48:02.123456Z"));
	}

	private long rows() {
		return this.jdbc.queryForObject("select count(*) from realtime_outbox where user_id = ?", Long.class,
				this.userId);
	}

	@Test
	void enqueueInsideATransactionCommitsWithTheCaller() {
		JpaOutboundQueue queue = queue("a");
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
		JpaOutboundQueue queue = queue("a");
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
	void enqueueOutsideATransactionCommitsAtOnce() {
		JpaOutboundQueue queue = queue("a");
		RecordingOutcome outcome = new RecordingOutcome();
		queue.enqueue(message("k1"), true, outcome);
		assertThat(outcome.claimable).hasValue(1);
		assertThat(rows()).isEqualTo(1);
	}

	@Test
	void claimAssignsGaplessSeqsInOrderAndResendsKeepSeqAndKey() {
		JpaOutboundQueue queue = queue("a");
		for (int i = 1; i <= 5; i++) {
			queue.enqueue(message("k" + i), true, new RecordingOutcome());
		}
		List<SequencedMessage> first = queue.claim(3);
		assertThat(first).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L);
		assertThat(first).extracting((m) -> m.message().idempotencyKey()).containsExactly("k1", "k2", "k3");
		assertThat(first.get(0).message().payload().get("text").asString()).isEqualTo("k1");
		assertThat(first.get(0).message().createdAt()).isEqualTo(Instant.parse("2025-11-21T14:48:02.123456Z"));
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(4L, 5L);
		assertThat(queue.claim(10)).as("claimed rows are not claimed again").isEmpty();
		queue.releaseClaims();
		queue.enqueue(message("k6"), true, new RecordingOutcome());
		List<SequencedMessage> resent = queue.claim(10);
		assertThat(resent).extracting(SequencedMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
		assertThat(resent).extracting((m) -> m.message().idempotencyKey())
			.containsExactly("k1", "k2", "k3", "k4", "k5", "k6");
		assertThat(resent).extracting(SequencedMessage::attempts).containsExactly(2, 2, 2, 2, 2, 1);
	}

	@Test
	void oldestPendingCreatedAtFollowsTheBacklog() {
		JpaOutboundQueue queue = queue("a");
		assertThat(queue.oldestPendingCreatedAt()).isEmpty();
		queue.enqueue(new OutboundMessage("old", "e", JsonNodeFactory.instance.objectNode(),
				Instant.parse("2025-11-21T10:00:00.000001Z")), true, new RecordingOutcome());
		queue.enqueue(new OutboundMessage("new", "e", JsonNodeFactory.instance.objectNode(),
				Instant.parse("2025-11-21T11:00:00Z")), true, new RecordingOutcome());
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
		JpaOutboundQueue queue = queue("a");
		queue.enqueue(message("durable-1"), true, new RecordingOutcome());
		RecordingOutcome outcome = new RecordingOutcome();
		queue.enqueue(new OutboundMessage("memory-1", "typing", JsonNodeFactory.instance.objectNode(),
				Instant.parse("2025-11-21T14:48:03Z")), false, outcome);
		assertThat(outcome.claimable).hasValue(1);
		assertThat(rows()).isEqualTo(1);
		assertThat(queue.pendingCount()).isEqualTo(2);
		List<SequencedMessage> claimed = queue.claim(10);
		assertThat(claimed).extracting(SequencedMessage::seq).containsExactly(1L, 2L);
		assertThat(claimed).extracting((m) -> m.message().idempotencyKey()).containsExactly("durable-1", "memory-1");
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L, 2L);
		queue.acknowledge(2);
		assertThat(queue.pendingCount()).isZero();
	}

	@Test
	void acknowledgeDeletesEverythingUpToTheSeq() {
		JpaOutboundQueue queue = queue("a");
		for (int i = 1; i <= 4; i++) {
			queue.enqueue(message("k" + i), true, new RecordingOutcome());
		}
		queue.claim(10);
		queue.acknowledge(3);
		assertThat(rows()).isEqualTo(1);
		assertThat(queue.pendingCount()).isEqualTo(1);
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(4L);
	}

	@Test
	void deadLettersAreNeitherResentNorPending() {
		JpaOutboundQueue queue = queue("a");
		queue.enqueue(message("k1"), true, new RecordingOutcome());
		queue.enqueue(message("k2"), true, new RecordingOutcome());
		queue.claim(10);
		queue.deadLetter(1, "invalid_event", "bad payload");
		assertThat(queue.pendingCount()).isEqualTo(1);
		assertThat(queue.deadLetterCount()).isEqualTo(1);
		queue.releaseClaims();
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(2L);
		queue.acknowledge(2);
		assertThat(rows()).as("the dead letter stays").isEqualTo(1);
		assertThat(queue.pendingCount()).isZero();
	}

	@Test
	void deadLettersCanBeListedRetriedWithAFreshSeqAndDeleted() {
		JpaOutboundQueueFactory factory = factory("a", 100);
		JpaOutboundQueue queue = factory.create(this.userId);
		OutboxDeadLetters deadLetters = new OutboxDeadLetters(factory);
		queue.enqueue(message("k1"), true, new RecordingOutcome());
		queue.enqueue(message("k2"), true, new RecordingOutcome());
		queue.claim(10);
		queue.deadLetter(1, "invalid_event", "bad payload");
		queue.deadLetter(2, "max_attempts", "not acked");
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
		assertThat(resent.get(0).attempts()).isEqualTo(1);
	}

	@Test
	void maxSizeFailsFastWithNothingWritten() {
		JpaOutboundQueue queue = factory("a", 2).create(this.userId);
		queue.enqueue(message("k1"), true, new RecordingOutcome());
		queue.enqueue(message("k2"), true, new RecordingOutcome());
		RecordingOutcome outcome = new RecordingOutcome();
		assertThatExceptionOfType(OutboundQueueFullException.class)
			.isThrownBy(() -> this.transaction.executeWithoutResult((status) -> queue.enqueue(message("k3"), true, outcome)));
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
		JpaOutboundQueue queue = queue("a");
		String clientId = queue.clientId();
		assertThat(queue("a").clientId()).as("kept across queue instances").isEqualTo(clientId);
		queue.enqueue(message("k1"), true, new RecordingOutcome());
		queue.claim(10);
		queue.clear();
		assertThat(rows()).isZero();
		assertThat(queue.clientId()).isNotEqualTo(clientId);
		queue.enqueue(message("k2"), true, new RecordingOutcome());
		assertThat(queue.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L);
	}

	@Test
	void twoInstancesNeverClaimTheSameRowAndTheOtherTakesOverAfterTheLeaseExpires() throws Exception {
		JpaOutboundQueue first = queue("instance-a");
		JpaOutboundQueue second = queue("instance-b");
		for (int i = 1; i <= 200; i++) {
			first.enqueue(message("k" + i), true, new RecordingOutcome());
		}
		List<Long> claimedByFirst = Collections.synchronizedList(new ArrayList<>());
		List<Long> claimedBySecond = Collections.synchronizedList(new ArrayList<>());
		ExecutorService executor = Executors.newFixedThreadPool(2);
		try {
			CountDownLatch start = new CountDownLatch(1);
			List<Future<?>> runs = new ArrayList<>();
			for (JpaOutboundQueue queue : List.of(first, second)) {
				List<Long> claimed = (queue == first) ? claimedByFirst : claimedBySecond;
				runs.add(executor.submit(() -> {
					start.await();
					for (int round = 0; round < 30; round++) {
						queue.claim(10).forEach((message) -> claimed.add(message.seq()));
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> run : runs) {
				run.get();
			}
		}
		finally {
			executor.shutdown();
		}
		List<Long> all = new ArrayList<>(claimedByFirst);
		all.addAll(claimedBySecond);
		assertThat(all).doesNotHaveDuplicates();
		assertThat(new HashSet<>(all)).isEqualTo(seqs(1, 200));
		assertThat(claimedByFirst.isEmpty() || claimedBySecond.isEmpty()).as("one relay at a time").isTrue();
		JpaOutboundQueue follower = claimedByFirst.isEmpty() ? first : second;
		assertThat(follower.claim(10)).as("leases still valid").isEmpty();
		this.clock.advance(LEASE.plusMillis(1));
		// the relay stops renewing: the other instance takes its rows over, seqs and keys kept
		List<SequencedMessage> takenOver = new ArrayList<>();
		for (List<SequencedMessage> batch = follower.claim(100); !batch.isEmpty(); batch = follower.claim(100)) {
			takenOver.addAll(batch);
		}
		assertThat(takenOver).extracting(SequencedMessage::seq).doesNotHaveDuplicates().hasSize(200);
		assertThat(takenOver).allSatisfy(
				(message) -> assertThat(message.message().idempotencyKey()).isEqualTo("k" + message.seq()));
		assertThat(takenOver).extracting(SequencedMessage::attempts).containsOnly(2);
	}

	@Test
	void aNonLeaderClaimsNothingUntilTheLeaderStopsRenewing() {
		JpaOutboundQueue leader = queue("instance-a");
		JpaOutboundQueue follower = queue("instance-b");
		leader.enqueue(message("k1"), true, new RecordingOutcome());
		assertThat(leader.claim(10)).extracting(SequencedMessage::seq).containsExactly(1L);
		follower.enqueue(message("k2"), true, new RecordingOutcome());
		assertThat(follower.claim(10)).isEmpty();
		this.clock.advance(LEASE.plusMillis(1));
		List<SequencedMessage> takenOver = follower.claim(10);
		assertThat(takenOver).extracting(SequencedMessage::seq).containsExactly(1L, 2L);
		assertThat(takenOver).extracting(SequencedMessage::attempts).containsExactly(2, 1);
		assertThat(leader.claim(10)).as("the old leader is a follower now").isEmpty();
	}

	private static Set<Long> seqs(long from, long to) {
		Set<Long> result = new HashSet<>();
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

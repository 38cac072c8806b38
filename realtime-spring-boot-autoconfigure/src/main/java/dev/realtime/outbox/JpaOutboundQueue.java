package dev.realtime.outbox;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.EnqueueOutcome;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.OutboundQueue;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.SequencedMessage;

import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A user's outbound queue in the application's database. Durable events are rows of
 * {@code realtime_outbox} written in the caller's transaction; best-effort events stay in
 * memory but take their seq from the same durable counter when claimed.
 * <p>
 * Several instances of the application may hold a queue of the same user: the one holding
 * the relay lease of {@code realtime_client} claims, the others claim nothing until that
 * lease expires. Each claim leases its rows to this instance; rows of an instance that
 * stopped renewing become claimable again when their lease expires.
 */
public final class JpaOutboundQueue implements OutboundQueue {

	/** Least time between two recounts of the pending rows (other instances change them too). */
	private static final long RECOUNT_INTERVAL_MILLIS = 1000;

	private final String userId;

	private final OutboxRepository repository;

	private final ObjectMapper mapper;

	private final TransactionTemplate joiningTransaction;

	private final TransactionTemplate ownTransaction;

	private final Clock clock;

	private final long maxSize;

	private final long leaseMillis;

	private final String owner;

	/** Durable pending rows, including enqueues whose transaction has not completed yet. */
	private final AtomicLong durablePending = new AtomicLong();

	private final AtomicLong deadLetters = new AtomicLong();

	private final Memory memory = new Memory();

	private volatile @Nullable String clientId;

	private volatile long lastRecount;

	/** Whether the counts were read; not in the constructor, which may run before the schema exists. */
	private volatile boolean counted;

	JpaOutboundQueue(String userId, OutboxRepository repository, ObjectMapper mapper,
			PlatformTransactionManager transactionManager, Clock clock, long maxSize, Duration leaseDuration,
			String owner) {
		this.userId = userId;
		this.repository = repository;
		this.mapper = mapper;
		this.joiningTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction = new TransactionTemplate(transactionManager);
		this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
		this.clock = clock;
		this.maxSize = maxSize;
		this.leaseMillis = leaseDuration.toMillis();
		this.owner = owner;
	}

	@Override
	public String clientId() {
		String id = this.clientId;
		if (id == null) {
			id = loadOrCreateClient();
			this.clientId = id;
		}
		return id;
	}

	private String loadOrCreateClient() {
		try {
			return this.ownTransaction.execute((status) -> {
				OutboxClientEntity client = this.repository.findClient(this.userId);
				if (client == null) {
					client = new OutboxClientEntity(this.userId, UUID.randomUUID().toString());
					this.repository.createClient(client);
				}
				return client.getClientId();
			});
		}
		catch (RuntimeException ex) {
			// another instance created the row at the same moment: read its client id
			OutboxClientEntity client = this.ownTransaction.execute((status) -> this.repository.findClient(this.userId));
			if (client == null) {
				throw ex;
			}
			return client.getClientId();
		}
	}

	@Override
	public void enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome) {
		if (!durable) {
			this.memory.add(message, this::pendingCount, this.maxSize);
			outcome.claimable();
			return;
		}
		countOnce();
		// reserve room before anything is written; released again if the write rolls back
		long pending = this.durablePending.incrementAndGet() + this.memory.size();
		if (pending > this.maxSize) {
			this.durablePending.decrementAndGet();
			throw new OutboundQueueFullException(pending - 1, this.maxSize);
		}
		OutboxEntryEntity entry = new OutboxEntryEntity(this.userId, message.idempotencyKey(), message.event(),
				this.mapper.writeValueAsString(message.payload()), message.createdAt());
		Completion completion = new Completion(outcome);
		try {
			this.joiningTransaction.executeWithoutResult((status) -> {
				TransactionSynchronizationManager.registerSynchronization(completion);
				completion.registered = true;
				this.repository.persist(entry);
			});
		}
		catch (RuntimeException ex) {
			if (!completion.registered) {
				this.durablePending.decrementAndGet();
			}
			throw ex;
		}
	}

	@Override
	public List<SequencedMessage> claim(int max) {
		if (max <= 0) {
			return List.of();
		}
		// create the stream's row first, in a transaction of its own: MariaDB would gap-lock it
		clientId();
		long now = this.clock.millis();
		Claim claim = this.ownTransaction.execute((status) -> claimInTransaction(max, now));
		if (claim == null) {
			return List.of();
		}
		this.memory.claimed(claim);
		if (claim.messages.size() < max && now - this.lastRecount >= RECOUNT_INTERVAL_MILLIS) {
			// drained (or not the relay): a cheap moment to correct the cached counts
			recount();
		}
		return claim.messages;
	}

	private @Nullable Claim claimInTransaction(int max, long now) {
		OutboxClientEntity client = this.repository.lockClient(this.userId);
		// no row: the queue was cleared concurrently; the next claim creates it again
		if (client == null || !client.lead(this.owner, now, now + this.leaseMillis)) {
			return null;
		}
		this.repository.batchUpdates(max);
		long leaseUntil = now + this.leaseMillis;
		Claim claim = new Claim();
		// resends keep their seq: durable rows and released in-memory events, merged by seq
		Deque<OutboxEntryEntity> rows = new ArrayDeque<>(this.repository.lockClaimable(this.userId, true, now, max));
		Deque<MemoryEntry> entries = new ArrayDeque<>(this.memory.resends(max));
		while (claim.messages.size() < max && (!rows.isEmpty() || !entries.isEmpty())) {
			if (entries.isEmpty() || (!rows.isEmpty() && rows.peekFirst().getSeq() < entries.peekFirst().seq)) {
				claim.messages.add(claimRow(rows.pollFirst(), 0, leaseUntil));
			}
			else {
				MemoryEntry entry = entries.pollFirst();
				claim.resends++;
				claim.messages.add(new SequencedMessage(entry.seq, entry.attempts + 1, entry.message));
			}
		}
		// new events take the next seqs in the order they were sent, durable or not
		int room = max - claim.messages.size();
		if (room > 0) {
			rows = new ArrayDeque<>(this.repository.lockClaimable(this.userId, false, now, room));
			entries = new ArrayDeque<>(this.memory.fresh(room));
			while (claim.messages.size() < max && (!rows.isEmpty() || !entries.isEmpty())) {
				if (entries.isEmpty() || (!rows.isEmpty()
						&& rows.peekFirst().getCreatedAtMicros() <= OutboxEntryEntity.toMicros(entries.peekFirst().message.createdAt()))) {
					claim.messages.add(claimRow(rows.pollFirst(), client.takeSeq(), leaseUntil));
				}
				else {
					MemoryEntry entry = entries.pollFirst();
					long seq = client.takeSeq();
					claim.freshSeqs.add(seq);
					claim.messages.add(new SequencedMessage(seq, entry.attempts + 1, entry.message));
				}
			}
		}
		return claim;
	}

	private SequencedMessage claimRow(OutboxEntryEntity row, long newSeq, long leaseUntil) {
		row.claim(newSeq, this.owner, leaseUntil);
		OutboundMessage message = new OutboundMessage(row.getIdempotencyKey(), row.getEvent(),
				this.mapper.readTree(row.getPayload()), row.getCreatedAt());
		return new SequencedMessage(row.getSeq(), row.getAttempts(), message);
	}

	@Override
	public void acknowledge(long ackSeq) {
		Integer deleted = this.ownTransaction.execute((status) -> this.repository.deleteAcked(this.userId, ackSeq));
		this.durablePending.addAndGet(-((deleted != null) ? deleted : 0));
		this.memory.acknowledge(ackSeq);
	}

	@Override
	public void deadLetter(long seq, String code, String message) {
		if (this.memory.remove(seq)) {
			this.deadLetters.incrementAndGet();
			return;
		}
		long now = this.clock.millis();
		Integer updated = this.ownTransaction
			.execute((status) -> this.repository.markDead(this.userId, seq, code, message, now));
		if (updated != null && updated > 0) {
			this.durablePending.decrementAndGet();
			this.deadLetters.incrementAndGet();
		}
	}

	@Override
	public void releaseClaims() {
		this.ownTransaction.executeWithoutResult((status) -> this.repository.releaseLeases(this.userId, this.owner));
		this.memory.releaseClaims();
	}

	@Override
	public long pendingCount() {
		countOnce();
		return Math.max(0, this.durablePending.get()) + this.memory.size();
	}

	@Override
	public Optional<Instant> oldestPendingCreatedAt() {
		Long durable = this.ownTransaction
			.execute((status) -> this.repository.oldestPendingCreatedAtMicros(this.userId));
		Optional<Instant> inMemory = this.memory.oldestCreatedAt();
		if (durable == null) {
			return inMemory;
		}
		Instant oldest = Instant.EPOCH.plus(durable, ChronoUnit.MICROS);
		return Optional.of(inMemory.filter((created) -> created.isBefore(oldest)).orElse(oldest));
	}

	@Override
	public long deadLetterCount() {
		countOnce();
		return this.deadLetters.get();
	}

	@Override
	public void clear() {
		this.ownTransaction.executeWithoutResult((status) -> this.repository.deleteUser(this.userId));
		this.memory.clear();
		this.clientId = null;
		this.durablePending.set(0);
		this.deadLetters.set(0);
	}

	private void countOnce() {
		if (!this.counted) {
			recount();
		}
	}

	/**
	 * Read the pending and dead-letter counts from the database again, after changes made
	 * elsewhere (other instances, the dead-letter API).
	 */
	void recount() {
		this.lastRecount = this.clock.millis();
		long[] counts = this.ownTransaction.execute((status) -> new long[] {
				this.repository.count(this.userId, OutboxStatus.PENDING),
				this.repository.count(this.userId, OutboxStatus.DEAD) });
		if (counts != null) {
			this.durablePending.set(counts[0]);
			this.deadLetters.set(counts[1]);
			this.counted = true;
		}
	}

	/**
	 * Tells the sender what became of its event once the transaction that wrote it completes.
	 */
	private final class Completion implements TransactionSynchronization {

		private final EnqueueOutcome outcome;

		boolean registered;

		Completion(EnqueueOutcome outcome) {
			this.outcome = outcome;
		}

		@Override
		public void afterCompletion(int status) {
			if (status == STATUS_ROLLED_BACK) {
				JpaOutboundQueue.this.durablePending.decrementAndGet();
				this.outcome.discarded();
			}
			else {
				this.outcome.claimable();
			}
		}

	}

	/**
	 * What a claim transaction took: durable rows are done when it commits; in-memory events
	 * are moved only then, so a failed commit leaves them (and the seq counter) untouched.
	 */
	private static final class Claim {

		final List<SequencedMessage> messages = new ArrayList<>();

		/** How many released in-memory events (a prefix by seq) were claimed again. */
		int resends;

		/** The seqs given to the first in-memory new events, in order. */
		final List<Long> freshSeqs = new ArrayList<>();

	}

	/**
	 * Best-effort events of this process: waiting without a seq, claimed, or released for a
	 * resend. Enqueue appends from application threads; the relay takes from the front.
	 */
	private static final class Memory {

		private final Deque<MemoryEntry> fresh = new ArrayDeque<>();

		private final NavigableMap<Long, MemoryEntry> released = new TreeMap<>();

		private final NavigableMap<Long, MemoryEntry> claimed = new TreeMap<>();

		synchronized void add(OutboundMessage message, LongSupplier pending, long maxSize) {
			long count = pending.getAsLong();
			if (count >= maxSize) {
				throw new OutboundQueueFullException(count, maxSize);
			}
			this.fresh.addLast(new MemoryEntry(message));
		}

		synchronized int size() {
			return this.fresh.size() + this.released.size() + this.claimed.size();
		}

		synchronized Optional<Instant> oldestCreatedAt() {
			// sequenced entries (lowest seq first) were handed over before the fresh ones
			Map.Entry<Long, MemoryEntry> claimedFirst = this.claimed.firstEntry();
			Map.Entry<Long, MemoryEntry> releasedFirst = this.released.firstEntry();
			Map.Entry<Long, MemoryEntry> sequenced = (claimedFirst == null) ? releasedFirst
					: (releasedFirst == null || claimedFirst.getKey() < releasedFirst.getKey()) ? claimedFirst
							: releasedFirst;
			MemoryEntry oldest = (sequenced != null) ? sequenced.getValue() : this.fresh.peekFirst();
			return Optional.ofNullable(oldest).map((entry) -> entry.message.createdAt());
		}

		synchronized List<MemoryEntry> resends(int max) {
			return first(this.released.values().iterator(), max);
		}

		synchronized List<MemoryEntry> fresh(int max) {
			return first(this.fresh.iterator(), max);
		}

		private static List<MemoryEntry> first(Iterator<MemoryEntry> entries, int max) {
			List<MemoryEntry> result = new ArrayList<>();
			while (result.size() < max && entries.hasNext()) {
				result.add(entries.next());
			}
			return result;
		}

		synchronized void claimed(Claim claim) {
			for (int i = 0; i < claim.resends; i++) {
				Map.Entry<Long, MemoryEntry> entry = this.released.pollFirstEntry();
				entry.getValue().attempts++;
				this.claimed.put(entry.getKey(), entry.getValue());
			}
			for (long seq : claim.freshSeqs) {
				MemoryEntry entry = this.fresh.pollFirst();
				entry.seq = seq;
				entry.attempts++;
				this.claimed.put(seq, entry);
			}
		}

		synchronized void acknowledge(long ackSeq) {
			this.claimed.headMap(ackSeq, true).clear();
			this.released.headMap(ackSeq, true).clear();
		}

		synchronized boolean remove(long seq) {
			return this.claimed.remove(seq) != null || this.released.remove(seq) != null;
		}

		synchronized void releaseClaims() {
			this.released.putAll(this.claimed);
			this.claimed.clear();
		}

		synchronized void clear() {
			this.fresh.clear();
			this.released.clear();
			this.claimed.clear();
		}

	}

	private static final class MemoryEntry {

		final OutboundMessage message;

		long seq;

		int attempts;

		MemoryEntry(OutboundMessage message) {
			this.message = message;
		}

	}

}

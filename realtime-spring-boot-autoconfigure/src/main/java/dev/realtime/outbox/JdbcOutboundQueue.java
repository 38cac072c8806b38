package dev.realtime.outbox;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.SequencedBuffer;
import dev.realtime.client.spi.SequencedMessage;

/**
 * A user's outbound queue in the application's database. Durable events are rows of
 * {@code realtime_outbox}, written in the caller's transaction or, outside one, by a
 * group commit; best-effort events stay in memory but take their seq from the same
 * durable counter.
 * <p>
 * Several instances of the application may hold a queue of the same user. The one holding
 * the user's lease in {@code realtime_client} (timed by the database's clock) relays;
 * every relay write locks that row and checks the lease's owner and epoch, so an instance
 * that lost the lease while paused can neither number, delete nor dead-letter a row.
 * <p>
 * When {@link JdbcUserAssignments} manages the user's lease, the relay's poll costs no
 * statement: the lease is renewed with the instance's other leases, and a claim goes to
 * the database only after rows were written here, the assignments saw new rows written
 * elsewhere, or resends are due.
 */
public final class JdbcOutboundQueue implements OutboundQueue {

	/**
	 * Least time between two recounts of the pending rows (other instances change them
	 * too).
	 */
	private static final long RECOUNT_INTERVAL_MILLIS = 1000;

	private final String userId;

	private final OutboxRepository repository;

	private final OutboxWriter writer;

	private final OutboxVacuum vacuum;

	private final DataSource dataSource;

	private final ObjectMapper mapper;

	private final TransactionTemplate transaction;

	private final Clock clock;

	private final long maxSize;

	private final RelayLease lease;

	/**
	 * Durable pending rows, including enqueues whose transaction has not completed yet.
	 */
	private final AtomicLong durablePending = new AtomicLong();

	private final AtomicLong deadLetters = new AtomicLong();

	private final SequencedBuffer memory = new SequencedBuffer();

	private volatile @Nullable String clientId;

	private volatile long highestSeq;

	/**
	 * The highest seq claimed since the claims were last released: resends continue after
	 * it.
	 */
	private long claimedUpTo;

	/**
	 * Whether every numbered row was claimed since the claims were released: only this
	 * instance numbers rows while it holds the lease, so later claims need not look for
	 * resends.
	 */
	private boolean resendsDone;

	private volatile long lastRecount;

	/**
	 * Whether the counts were read; not in the constructor, which may run before the
	 * schema exists.
	 */
	private volatile boolean counted;

	private volatile Runnable claimable = () -> {
	};

	private volatile Runnable leaseChanged = () -> {
	};

	/**
	 * Whether new rows may wait: set when rows were committed here or elsewhere (as the
	 * assignments' poll saw), cleared by a claim before it reads.
	 */
	private final AtomicBoolean maybeFresh = new AtomicBoolean(true);

	JdbcOutboundQueue(String userId, OutboxRepository repository, OutboxWriter writer, OutboxVacuum vacuum,
			DataSource dataSource, TransactionTemplate transaction, ObjectMapper mapper, Clock clock, long maxSize,
			RelayLease lease) {
		this.userId = userId;
		this.repository = repository;
		this.writer = writer;
		this.vacuum = vacuum;
		this.dataSource = dataSource;
		this.transaction = transaction;
		this.mapper = mapper;
		this.clock = clock;
		this.maxSize = maxSize;
		this.lease = lease;
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
		Optional<String> existing = findClientId();
		if (existing.isPresent()) {
			return existing.get();
		}
		try {
			String created = UUID.randomUUID().toString();
			this.transaction.executeWithoutResult((status) -> this.repository.createClient(this.userId, created));
			return created;
		}
		catch (DataAccessException ex) {
			// another instance created the row at the same moment: read its client id
			return findClientId().orElseThrow(() -> ex);
		}
	}

	private Optional<String> findClientId() {
		return this.transaction.execute((status) -> Optional.ofNullable(this.repository.findClientId(this.userId)));
	}

	@Override
	public boolean enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome) {
		if (!durable) {
			synchronized (this.memory) {
				long pending = pendingCount();
				if (pending >= this.maxSize) {
					throw new OutboundQueueFullException(pending, this.maxSize);
				}
				this.memory.add(message);
			}
			outcome.claimable();
			return true;
		}
		countOnce();
		// reserve room before anything is written; released again if nothing is
		long pending = this.durablePending.incrementAndGet() + this.memory.size();
		if (pending > this.maxSize) {
			this.durablePending.decrementAndGet();
			throw new OutboundQueueFullException(pending - 1, this.maxSize);
		}
		OutboxRepository.NewRow row = new OutboxRepository.NewRow(this.userId, message.idempotencyKey(),
				message.event(), this.mapper.writeValueAsString(message.payload()),
				ChronoUnit.MICROS.between(Instant.EPOCH, message.createdAt()));
		boolean joined;
		boolean inserted;
		try {
			joined = inCallersTransaction();
			inserted = joined ? insertInCallersTransaction(row, outcome) : this.writer.write(row);
		}
		catch (RuntimeException ex) {
			this.durablePending.decrementAndGet();
			throw ex;
		}
		if (!inserted) {
			this.durablePending.decrementAndGet();
			return false;
		}
		if (!joined) {
			this.maybeFresh.set(true);
			outcome.claimable();
		}
		return true;
	}

	private boolean inCallersTransaction() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return false;
		}
		if (TransactionSynchronizationManager.getResource(this.dataSource) == null) {
			throw new IllegalStateException("sendEvent was called in a transaction that does not manage the "
					+ "DataSource of the realtime outbox, so the event could not commit with it: use the "
					+ "application's transaction manager for that DataSource, or send outside the transaction");
		}
		return true;
	}

	private boolean insertInCallersTransaction(OutboxRepository.NewRow row, EnqueueOutcome outcome) {
		boolean inserted = this.repository.insertIfAbsent(row.userId(), row.key(), row.event(), row.payload(),
				row.createdAtMicros());
		if (inserted) {
			TransactionSynchronizationManager.registerSynchronization(new Completion(outcome));
		}
		return inserted;
	}

	@Override
	public boolean acquireLease() {
		clientId();
		if (this.lease.isManaged()) {
			// taken and renewed by the assignments, with the instance's other leases
			taken(this.lease.takeGrant());
			return this.lease.epoch() >= 0;
		}
		if (this.lease.renew()) {
			return true;
		}
		OptionalLong nextSeq = this.lease.take();
		if (nextSeq.isEmpty()) {
			return false;
		}
		taken(nextSeq);
		return true;
	}

	private void taken(OptionalLong nextSeq) {
		if (nextSeq.isPresent()) {
			this.highestSeq = nextSeq.getAsLong() - 1;
			releaseClaims();
			recount();
			this.maybeFresh.set(true);
		}
	}

	@Override
	public void releaseLease() {
		this.lease.release();
	}

	/**
	 * Run relay work {@linkplain RelayLease#fenced fenced} by the lease, noting the
	 * stream's next seq as the lock saw it.
	 * @param <T> the type of the work's result
	 * @param work the work, given the locked stream
	 * @return the work's result
	 */
	private <T> T fenced(Function<OutboxRepository.ClientRow, T> work) {
		return this.lease.fenced((client) -> {
			this.highestSeq = client.nextSeq() - 1;
			return work.apply(client);
		});
	}

	@Override
	public List<SequencedMessage> claim(int max) {
		if (max <= 0) {
			return List.of();
		}
		boolean fresh = this.maybeFresh.getAndSet(false);
		if (this.lease.isManaged() && !fresh && this.resendsDone && this.memory.peekFresh(1).isEmpty()) {
			// nothing new since the last claim: the assignments' poll tells of rows
			// written elsewhere
			return List.of();
		}
		long now = this.clock.millis();
		Claim claim;
		try {
			claim = fenced((client) -> claimLocked(client, max));
		}
		catch (RuntimeException ex) {
			this.maybeFresh.set(true);
			throw ex;
		}
		if (claim.messages.size() >= max) {
			this.maybeFresh.set(true);
		}
		// memory is changed only once the numbering committed, so a failed commit changes
		// nothing
		for (int i = 0; i < claim.memoryNumbered.size(); i++) {
			claim.messages.set(claim.memoryIndexes.get(i), this.memory.number(claim.memoryNumbered.get(i)));
		}
		this.resendsDone = claim.resendsDone;
		if (!claim.messages.isEmpty()) {
			this.claimedUpTo = claim.messages.get(claim.messages.size() - 1).seq();
			this.highestSeq = Math.max(this.highestSeq, this.claimedUpTo);
		}
		if (claim.messages.size() < max && now - this.lastRecount >= RECOUNT_INTERVAL_MILLIS) {
			// drained: a cheap moment to correct the cached counts, which other instances
			// change
			recount();
		}
		return claim.messages;
	}

	private Claim claimLocked(OutboxRepository.ClientRow client, int max) {
		Claim claim = new Claim();
		// resends keep their seq: durable rows and in-memory events, merged by seq
		List<OutboxRepository.OutboxRow> rows = this.resendsDone ? List.of()
				: this.repository.resends(this.userId, this.claimedUpTo, max);
		List<SequencedMessage> entries = this.memory.after(this.claimedUpTo, max);
		int r = 0;
		int m = 0;
		while (claim.messages.size() < max && (r < rows.size() || m < entries.size())) {
			if (m == entries.size() || (r < rows.size() && seqOf(rows.get(r)) < entries.get(m).seq())) {
				OutboxRepository.OutboxRow row = rows.get(r++);
				claim.messages.add(new SequencedMessage(seqOf(row), toMessage(row)));
			}
			else {
				claim.messages.add(entries.get(m++));
			}
		}
		int room = max - claim.messages.size();
		if (room <= 0) {
			return claim;
		}
		claim.resendsDone = true;
		// new events take the next seqs in the order they were handed over, durable or
		// not
		List<OutboxRepository.OutboxRow> fresh = this.repository.fresh(this.userId, room);
		List<OutboundMessage> memoryFresh = this.memory.peekFresh(room);
		List<OutboxRepository.OutboxRow> numbered = new ArrayList<>(fresh.size());
		long next = client.nextSeq();
		long firstDurable = -1;
		r = 0;
		m = 0;
		while (claim.messages.size() < max && (r < fresh.size() || m < memoryFresh.size())) {
			long seq = next++;
			if (m == memoryFresh.size() || (r < fresh.size() && fresh.get(r).createdAtMicros() <= ChronoUnit.MICROS
				.between(Instant.EPOCH, memoryFresh.get(m).createdAt()))) {
				OutboxRepository.OutboxRow row = fresh.get(r++);
				if (!numbered.isEmpty() && seq != firstDurable + numbered.size()) {
					// a memory event broke the run of durable seqs: number what came
					// before
					this.repository.number(numbered, firstDurable);
					numbered.clear();
				}
				if (numbered.isEmpty()) {
					firstDurable = seq;
				}
				numbered.add(row);
				claim.messages.add(new SequencedMessage(seq, toMessage(row)));
			}
			else {
				m++;
				claim.memoryIndexes.add(claim.messages.size());
				claim.memoryNumbered.add(seq);
				// replaced by the numbered memory entry after the commit
				claim.messages.add(null);
			}
		}
		if (!numbered.isEmpty()) {
			this.repository.number(numbered, firstDurable);
		}
		if (next != client.nextSeq()) {
			this.repository.setNextSeq(this.userId, next);
		}
		return claim;
	}

	/**
	 * Return the seq of a row the resend query found, which selects sequenced rows only.
	 * @param row a sequenced row
	 * @return its seq
	 */
	private static long seqOf(OutboxRepository.OutboxRow row) {
		return Objects.requireNonNull(row.seq(), "a sequenced outbox row has a seq");
	}

	private OutboundMessage toMessage(OutboxRepository.OutboxRow row) {
		return new OutboundMessage(row.key(), row.event(), this.mapper.readTree(row.payload()),
				Instant.EPOCH.plus(row.createdAtMicros(), ChronoUnit.MICROS));
	}

	@Override
	public long acknowledge(long ackSeq) {
		int deleted = this.repository.deletesAckedFenced()
				? this.lease.deleteAcked(ackSeq, (nextSeq) -> this.highestSeq = nextSeq - 1)
				: fenced((client) -> this.repository.deleteAcked(this.userId, ackSeq));
		this.durablePending.addAndGet(-deleted);
		this.vacuum.deleted(deleted);
		return deleted + this.memory.acknowledge(ackSeq).size();
	}

	@Override
	public boolean deadLetter(long seq, String code, String message) {
		if (this.memory.remove(seq) != null) {
			this.deadLetters.incrementAndGet();
			return true;
		}
		long now = this.clock.millis();
		int updated = fenced((client) -> this.repository.markDead(this.userId, seq, code, message, now));
		if (updated > 0) {
			this.durablePending.decrementAndGet();
			this.deadLetters.incrementAndGet();
		}
		return updated > 0;
	}

	@Override
	public void releaseClaims() {
		this.claimedUpTo = 0;
		this.resendsDone = false;
	}

	@Override
	public long highestSeq() {
		return this.highestSeq;
	}

	@Override
	public long pendingCount() {
		countOnce();
		return Math.max(0, this.durablePending.get()) + this.memory.size();
	}

	@Override
	public Optional<Instant> oldestPendingCreatedAt() {
		Optional<Long> durable = this.transaction
			.execute((status) -> Optional.ofNullable(this.repository.oldestPendingCreatedAtMicros(this.userId)));
		Optional<Instant> inMemory = this.memory.oldestCreatedAt();
		if (durable.isEmpty()) {
			return inMemory;
		}
		Instant oldest = Instant.EPOCH.plus(durable.get(), ChronoUnit.MICROS);
		return Optional.of(inMemory.filter((created) -> created.isBefore(oldest)).orElse(oldest));
	}

	@Override
	public long deadLetterCount() {
		countOnce();
		return this.deadLetters.get();
	}

	@Override
	public void clear() {
		this.transaction.executeWithoutResult((status) -> this.repository.deleteUser(this.userId));
		this.memory.clear();
		this.clientId = null;
		this.lease.forget();
		this.highestSeq = 0;
		releaseClaims();
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
		long[] counts = this.transaction.execute((status) -> new long[] {
				this.repository.count(this.userId, "NEW") + this.repository.count(this.userId, "SEQUENCED"),
				this.repository.count(this.userId, "DEAD") });
		if (counts != null) {
			this.durablePending.set(counts[0]);
			this.deadLetters.set(counts[1]);
			this.counted = true;
		}
	}

	@Override
	public void onClaimable(Runnable listener) {
		this.claimable = listener;
	}

	/**
	 * Wake the relay: new rows were committed elsewhere, or dead letters made pending
	 * again.
	 */
	void freshRows() {
		this.maybeFresh.set(true);
		this.claimable.run();
	}

	@Override
	public void onLeaseChanged(Runnable listener) {
		this.leaseChanged = listener;
	}

	/**
	 * Let the relay look at the lease now: the assignments took or dropped it.
	 */
	void leaseChanged() {
		this.leaseChanged.run();
	}

	@Override
	public String toString() {
		return "JdbcOutboundQueue[user=" + this.userId + "]";
	}

	/**
	 * Tells the sender what became of its event once the caller's transaction completes.
	 */
	private final class Completion implements TransactionSynchronization {

		private final EnqueueOutcome outcome;

		Completion(EnqueueOutcome outcome) {
			this.outcome = outcome;
		}

		@Override
		public void afterCompletion(int status) {
			if (status == STATUS_COMMITTED) {
				JdbcOutboundQueue.this.maybeFresh.set(true);
				this.outcome.claimable();
			}
			else {
				JdbcOutboundQueue.this.durablePending.decrementAndGet();
				this.outcome.discarded();
			}
		}

	}

	/**
	 * What a claim transaction took. In-memory events are numbered only once it
	 * committed, so a failed commit leaves them (and the seq counter) untouched.
	 */
	private static final class Claim {

		final List<@Nullable SequencedMessage> messages = new ArrayList<>();

		final List<Integer> memoryIndexes = new ArrayList<>();

		final List<Long> memoryNumbered = new ArrayList<>();

		boolean resendsDone;

	}

}

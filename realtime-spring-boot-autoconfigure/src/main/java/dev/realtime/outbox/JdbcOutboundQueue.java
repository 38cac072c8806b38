package dev.realtime.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

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
import dev.realtime.client.spi.Resequencing;
import dev.realtime.client.spi.SequencedBuffer;
import dev.realtime.client.spi.SequencedMessage;

/**
 * A user's outbound queue in the application's database. Durable events are rows of
 * {@code realtime_outbox}, written in the caller's transaction or, outside one, by a
 * group commit; best-effort events stay in memory but take their seq from the same
 * durable counter ({@code realtime_outbox_seq}).
 * <p>
 * A group commit numbers the rows it writes while this instance relays, so the relay only
 * reads them (one statement, no lock, no flush to wait for) and a backlog drains without
 * a write per row. Rows from a caller's transaction cannot take a seq as they are written
 * (the counter would stay locked until the caller commits): they are new rows that the
 * relay numbers once committed, and a sender's later events wait for them, so each
 * sender's events keep its order.
 * <p>
 * Several instances of the application may hold a queue of the same user. The one holding
 * the user's lease in {@code realtime_client} (timed by the database's clock) relays; a
 * claim reads only while the lease is this instance's, and every relay write locks that
 * row and checks the lease's owner and epoch, so an instance that lost the lease while
 * paused can neither number, delete nor dead-letter a row.
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

	/**
	 * Counts the commits of new rows from this instance (callers' transactions, and group
	 * commits that could not number): a sender's next event is numbered at its write only
	 * once no new row of its own waits, or it would overtake it.
	 */
	private final AtomicLong newRowsWritten = new AtomicLong();

	/** The highest {@link #newRowsWritten} before a claim that found no new row. */
	private final AtomicLong newRowsNumbered = new AtomicLong();

	private final SequencedBuffer memory = new SequencedBuffer();

	/**
	 * Events this instance's group commits numbered, for the relay to send as they are.
	 */
	private final WrittenRows written;

	private volatile @Nullable String clientId;

	/**
	 * The hub's ack above which the unacked events were last given new seqs: a group
	 * commit that numbered rows before that hands over seqs they no longer have. Guarded
	 * by {@link #written}.
	 */
	private long resequencedUpTo;

	/**
	 * The highest seq claimed since the claims were last released: resends continue after
	 * it.
	 */
	private long claimedUpTo;

	/**
	 * Whether the last claim took every numbered row there was (it asked for more than it
	 * got) since the claims were released: until rows are written again, a claim finds
	 * nothing.
	 */
	private boolean caughtUp;

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
			RelayLease lease, WrittenRows.Budget handOff) {
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
		this.written = new WrittenRows(handOff);
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
		clientId();
		// reserve room before anything is written; released again if nothing is
		long pending = this.durablePending.incrementAndGet() + this.memory.size();
		if (pending > this.maxSize) {
			this.durablePending.decrementAndGet();
			throw new OutboundQueueFullException(pending - 1, this.maxSize);
		}
		// numbered as it is written while this instance relays, unless an event
		// handed over before it waits for its seq
		boolean numbered = this.lease.epoch() >= 0 && !this.memory.hasFresh()
				&& this.newRowsWritten.get() == this.newRowsNumbered.get();
		NewRow row = new NewRow(this.userId, message.idempotencyKey(), message.event(),
				this.mapper.writeValueAsString(message.payload()), OutboxRepository.micros(message.createdAt()),
				numbered);
		boolean joined;
		boolean inserted;
		try {
			joined = inCallersTransaction();
			if (joined) {
				inserted = insertInCallersTransaction(row, outcome);
			}
			else {
				// as a resend reads it from the row, so both send the same time
				OutboundMessage kept = new OutboundMessage(message.idempotencyKey(), message.event(), message.payload(),
						OutboxRepository.instant(row.createdAtMicros()));
				Stored stored = this.writer.write(row, (seq) -> handOver(seq, kept));
				inserted = stored.inserted();
				if (stored.equals(Stored.NEW)) {
					this.newRowsWritten.incrementAndGet();
					this.maybeFresh.set(true);
				}
			}
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
			outcome.claimable();
		}
		return true;
	}

	/**
	 * Keep an event the group commit numbered for the relay, or tell it to read the
	 * database.
	 * @param seq the event's seq
	 * @param message the event
	 */
	private void handOver(long seq, OutboundMessage message) {
		synchronized (this.written) {
			if (seq > this.resequencedUpTo && this.written.add(seq, message)) {
				return;
			}
		}
		this.maybeFresh.set(true);
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

	private boolean insertInCallersTransaction(NewRow row, EnqueueOutcome outcome) {
		boolean inserted = this.repository.insertIfAbsent(row);
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
			if (this.lease.takeGrant()) {
				taken();
			}
			return this.lease.epoch() >= 0;
		}
		if (this.lease.renew()) {
			return true;
		}
		if (!this.lease.take()) {
			return false;
		}
		taken();
		return true;
	}

	private void taken() {
		// another instance may have sent and deleted them meanwhile
		this.written.clear();
		releaseClaims();
		recount();
		this.maybeFresh.set(true);
	}

	@Override
	public void releaseLease() {
		this.lease.release();
	}

	@Override
	public List<SequencedMessage> claim(int max) {
		if (max <= 0) {
			return List.of();
		}
		boolean fresh = this.maybeFresh.getAndSet(false);
		if (!fresh && !this.memory.hasFresh() && this.lease.epoch() >= 0) {
			// nothing to number: the group commits' events are sent as they were
			// handed over
			List<SequencedMessage> handed = this.written.takeAfter(this.claimedUpTo, max);
			if (!handed.isEmpty()) {
				claimed(handed, max);
				return handed;
			}
			// kept events after a gap: the database holds the events before them
			fresh = this.written.startsAfter(this.claimedUpTo);
		}
		if (this.lease.isManaged() && !fresh && this.caughtUp && !this.memory.hasFresh()) {
			// nothing new since the last claim: the assignments' poll tells of rows
			// written elsewhere
			return List.of();
		}
		long now = this.clock.millis();
		List<SequencedMessage> messages;
		try {
			messages = claimRows(max);
		}
		catch (RuntimeException ex) {
			this.maybeFresh.set(true);
			throw ex;
		}
		if (messages.size() == max) {
			this.maybeFresh.set(true);
		}
		claimed(messages, max);
		this.written.discardUpTo(this.claimedUpTo);
		if (this.caughtUp && now - this.lastRecount >= RECOUNT_INTERVAL_MILLIS) {
			// drained: a cheap moment to correct the cached counts, which other instances
			// change
			recount();
		}
		return messages;
	}

	private void claimed(List<SequencedMessage> messages, int max) {
		this.caughtUp = messages.size() < max;
		if (!messages.isEmpty()) {
			this.claimedUpTo = messages.get(messages.size() - 1).seq();
			this.lease.sent(this.claimedUpTo);
		}
	}

	/**
	 * Claim the numbered rows and in-memory events after the last claim, merged by seq,
	 * with one read and no lock; only when new rows (from callers' transactions or other
	 * instances) or best-effort events wait for seqs does a fenced transaction number
	 * them.
	 * @param max the most events to claim
	 * @return the claimed events, in seq order
	 */
	private List<SequencedMessage> claimRows(int max) {
		long newRows = this.newRowsWritten.get();
		SequencedClaim read = this.lease.claimSequenced(this.claimedUpTo, max);
		if (!read.newWaiting()) {
			// every new row committed before the read is numbered
			this.newRowsNumbered.accumulateAndGet(newRows, Math::max);
		}
		List<SequencedMessage> messages = new ArrayList<>(read.rows().size());
		List<OutboxRow> rows = read.rows();
		List<SequencedMessage> entries = this.memory.after(this.claimedUpTo, max);
		int r = 0;
		int m = 0;
		while (messages.size() < max && (r < rows.size() || m < entries.size())) {
			if (m == entries.size() || (r < rows.size() && seqOf(rows.get(r)) < entries.get(m).seq())) {
				OutboxRow row = rows.get(r++);
				messages.add(new SequencedMessage(seqOf(row), toMessage(row)));
			}
			else {
				messages.add(entries.get(m++));
			}
		}
		int room = max - messages.size();
		if (room <= 0 || (!read.newWaiting() && !this.memory.hasFresh())) {
			return messages;
		}
		long seen = messages.isEmpty() ? this.claimedUpTo : messages.get(messages.size() - 1).seq();
		Claim claim = this.lease.fenced((client) -> numberLocked(seen, room));
		// memory is changed only once the numbering committed, so a failed
		// commit changes nothing
		for (int i = 0; i < claim.memoryNumbered.size(); i++) {
			claim.messages.set(claim.memoryIndexes.get(i), this.memory.number(claim.memoryNumbered.get(i)));
		}
		if (claim.more) {
			this.maybeFresh.set(true);
		}
		messages.addAll(claim.messages);
		return messages;
	}

	/**
	 * Number new rows and best-effort events, in the order they were handed over, under
	 * the locks of the user's stream and seq counter.
	 * @param seen the highest seq claimed so far
	 * @param max the most events to number
	 * @return what was numbered
	 */
	private Claim numberLocked(long seen, int max) {
		Claim claim = new Claim();
		long next = this.repository.lockSeq(this.userId);
		List<OutboxRow> late = this.repository.sequenced(this.userId, seen, max);
		if (!late.isEmpty()) {
			// a group commit numbered rows since the read: those go first, the numbering
			// waits for the next claim
			late.forEach((row) -> claim.messages.add(new SequencedMessage(seqOf(row), toMessage(row))));
			claim.more = true;
			return claim;
		}
		// new events take the next seqs in the order they were handed over, durable or
		// not
		List<OutboxRow> fresh = this.repository.fresh(this.userId, max);
		List<OutboundMessage> memoryFresh = this.memory.peekFresh(max);
		List<OutboxRow> numbered = new ArrayList<>(fresh.size());
		long first = next;
		long firstDurable = -1;
		int r = 0;
		int m = 0;
		while (claim.messages.size() < max && (r < fresh.size() || m < memoryFresh.size())) {
			long seq = next++;
			if (m == memoryFresh.size() || (r < fresh.size()
					&& fresh.get(r).createdAtMicros() <= OutboxRepository.micros(memoryFresh.get(m).createdAt()))) {
				OutboxRow row = fresh.get(r++);
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
		if (next != first) {
			this.repository.numbered(this.userId, next);
		}
		return claim;
	}

	/**
	 * Return the seq of a row the resend query found, which selects sequenced rows only.
	 * @param row a sequenced row
	 * @return its seq
	 */
	private static long seqOf(OutboxRow row) {
		return Objects.requireNonNull(row.seq(), "a sequenced outbox row has a seq");
	}

	private OutboundMessage toMessage(OutboxRow row) {
		return new OutboundMessage(row.key(), row.event(), this.mapper.readTree(row.payload()),
				OutboxRepository.instant(row.createdAtMicros()));
	}

	@Override
	public long acknowledge(long ackSeq) {
		// events handed over by the group commits were claimed without a statement: the
		// bound of acks follows here
		long sent = this.lease.sentSeq();
		int deleted = this.repository.deletesAckedFenced() ? this.lease.deleteAcked(ackSeq, sent)
				: this.lease.fenced((client) -> this.repository.deleteAcked(this.userId, ackSeq, sent));
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
		int updated = this.lease.fenced((client) -> this.repository.markDead(this.userId, seq, code, message, now));
		if (updated > 0) {
			this.durablePending.decrementAndGet();
			this.deadLetters.incrementAndGet();
		}
		return updated > 0;
	}

	@Override
	public @Nullable Resequencing resequenceAbove(long ackSeq) {
		long memoryLowest = this.memory.lowestSeq(Long.MAX_VALUE);
		Shift shift = this.lease.fenced((client) -> this.repository.shiftAbove(this.userId, ackSeq, memoryLowest));
		if (shift.delta() == 0) {
			return null;
		}
		synchronized (this.written) {
			this.resequencedUpTo = ackSeq;
			this.written.clear();
		}
		int moved = this.memory.shift(shift.delta());
		this.lease.sent(ackSeq);
		releaseClaims();
		this.maybeFresh.set(true);
		return new Resequencing(shift.storeSeq(), shift.rows() + moved);
	}

	@Override
	public void releaseClaims() {
		this.claimedUpTo = 0;
		this.caughtUp = false;
	}

	@Override
	public long highestSeq() {
		return this.lease.sentSeq();
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
		Instant oldest = OutboxRepository.instant(durable.get());
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
		synchronized (this.written) {
			this.resequencedUpTo = 0;
			this.written.clear();
		}
		this.clientId = null;
		this.lease.forget();
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
				JdbcOutboundQueue.this.newRowsWritten.incrementAndGet();
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

		/** Whether rows were left to number for the next claim. */
		boolean more;

	}

}

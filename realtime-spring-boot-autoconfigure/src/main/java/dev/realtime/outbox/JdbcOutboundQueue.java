package dev.realtime.outbox;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.Resequencing;
import dev.realtime.client.spi.SequencedBuffer;
import dev.realtime.client.spi.SequencedMessage;

/**
 * A user's outbound queue in the application's database. Durable events are rows of
 * {@code realtime_outbox}, written in the caller's transaction or, outside one, by a
 * group commit ({@link DurableEnqueue}); best-effort events stay in memory but take their
 * seq from the same durable counter ({@code realtime_outbox_seq}), as the relay's claims
 * number them ({@link OutboxClaims}). The pending and dead-letter counts are kept in
 * memory ({@link OutboxCounts}), the client id in {@code realtime_client}
 * ({@link OutboxClientId}).
 * <p>
 * Several instances of the application may hold a queue of the same user. The one holding
 * the user's lease in {@code realtime_client} (timed by the database's clock) relays; a
 * claim reads only while the lease is this instance's, and every relay write locks that
 * row and checks the lease's owner and epoch ({@link RelayLease}), so an instance that
 * lost the lease while paused can neither number, delete nor dead-letter a row.
 * <p>
 * When {@link JdbcUserAssignments} manages the user's lease, the relay's poll costs no
 * statement: the lease is renewed with the instance's other leases.
 */
public final class JdbcOutboundQueue implements OutboundQueue {

	private final UserRows rows;

	private final OutboxVacuum vacuum;

	private final Clock clock;

	private final RelayLease lease;

	private final SequencedBuffer memory = new SequencedBuffer();

	/**
	 * Events this instance's group commits numbered, for the relay to send as they are.
	 */
	private final WrittenRows written;

	private final UnnumberedRows unnumbered = new UnnumberedRows();

	private final OutboxClientId clientId;

	private final OutboxCounts counts;

	private final DurableEnqueue durable;

	private final OutboxClaims claims;

	private volatile Runnable claimable = () -> {
	};

	private volatile Runnable leaseChanged = () -> {
	};

	JdbcOutboundQueue(UserRows rows, OutboxWriter writer, OutboxVacuum vacuum, DataSource dataSource, Clock clock,
			long maxSize, RelayLease lease, WrittenRows.Budget handOff) {
		this.rows = rows;
		this.vacuum = vacuum;
		this.clock = clock;
		this.lease = lease;
		this.written = new WrittenRows(handOff);
		this.clientId = new OutboxClientId(rows);
		this.counts = new OutboxCounts(rows, this.memory, clock, maxSize);
		this.durable = new DurableEnqueue(rows, writer, dataSource, this.written, this.unnumbered, this.counts);
		this.claims = new OutboxClaims(rows, lease, this.memory, this.written, this.unnumbered, this.counts, clock);
	}

	@Override
	public String clientId() {
		return this.clientId.get();
	}

	@Override
	public boolean enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome) {
		if (!durable) {
			synchronized (this.memory) {
				this.counts.checkRoom();
				this.memory.add(message);
			}
			outcome.claimable();
			return true;
		}
		this.counts.countOnce();
		clientId();
		return this.durable.enqueue(message, this.claims.numberAtWrite(), outcome);
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
		this.unnumbered.mayWait();
	}

	@Override
	public void releaseLease() {
		this.lease.release();
	}

	@Override
	public List<SequencedMessage> claim(int max) {
		return this.claims.claim(max);
	}

	@Override
	public long acknowledge(long ackSeq) {
		// events handed over by the group commits were claimed without a statement: the
		// bound of acks follows here
		long sent = this.lease.sentSeq();
		OutboxRepository repository = this.rows.repository();
		int deleted = repository.deletesAckedFenced() ? this.lease.deleteAcked(ackSeq, sent)
				: this.lease.fenced((client) -> repository.deleteAcked(this.rows.userId(), ackSeq, sent));
		this.counts.deleted(deleted);
		this.vacuum.deleted(deleted);
		return deleted + this.memory.acknowledge(ackSeq).size();
	}

	@Override
	public boolean deadLetter(long seq, String code, String message) {
		if (this.memory.remove(seq) != null) {
			this.counts.deadLettered(false);
			return true;
		}
		long now = this.clock.millis();
		int updated = this.lease
			.fenced((client) -> this.rows.repository().markDead(this.rows.userId(), seq, code, message, now));
		if (updated > 0) {
			this.counts.deadLettered(true);
		}
		return updated > 0;
	}

	@Override
	public @Nullable Resequencing resequenceAbove(long ackSeq) {
		long memoryLowest = this.memory.lowestSeq(Long.MAX_VALUE);
		Shift shift = this.lease
			.fenced((client) -> this.rows.repository().shiftAbove(this.rows.userId(), ackSeq, memoryLowest));
		if (shift.delta() == 0) {
			return null;
		}
		this.written.resequenced(ackSeq);
		int moved = this.memory.shift(shift.delta());
		this.lease.sent(ackSeq);
		releaseClaims();
		this.unnumbered.mayWait();
		return new Resequencing(shift.storeSeq(), shift.rows() + moved);
	}

	@Override
	public void releaseClaims() {
		this.claims.release();
	}

	@Override
	public long highestSeq() {
		return this.lease.sentSeq();
	}

	@Override
	public long pendingCount() {
		return this.counts.pending();
	}

	@Override
	public Optional<Instant> oldestPendingCreatedAt() {
		Optional<Long> durable = this.rows.transaction()
			.execute((status) -> Optional
				.ofNullable(this.rows.repository().oldestPendingCreatedAtMicros(this.rows.userId())));
		Optional<Instant> inMemory = this.memory.oldestCreatedAt();
		if (durable.isEmpty()) {
			return inMemory;
		}
		Instant oldest = OutboxRepository.instant(durable.get());
		return Optional.of(inMemory.filter((created) -> created.isBefore(oldest)).orElse(oldest));
	}

	@Override
	public long deadLetterCount() {
		return this.counts.deadLetters();
	}

	@Override
	public void clear() {
		this.rows.transaction().executeWithoutResult((status) -> this.rows.repository().deleteUser(this.rows.userId()));
		this.memory.clear();
		this.written.reset();
		this.clientId.forget();
		this.lease.forget();
		releaseClaims();
		this.counts.reset();
	}

	/**
	 * Read the pending and dead-letter counts from the database again, after changes made
	 * elsewhere (other instances, the dead-letter API).
	 */
	void recount() {
		this.counts.recount();
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
		this.unnumbered.mayWait();
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
		return "JdbcOutboundQueue[user=" + this.rows.userId() + "]";
	}

}

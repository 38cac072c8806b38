package dev.realtime.outbox;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.spi.SequencedBuffer;

/**
 * The pending and dead-letter counts of a user's queue, kept in memory so that an enqueue
 * checks the queue's size without a statement: read from the database on first use, kept
 * up to date by this instance's writes, and read again when other instances or the
 * dead-letter API may have changed them.
 */
final class OutboxCounts {

	/**
	 * Least time between two recounts of the pending rows (other instances change them
	 * too).
	 */
	private static final long RECOUNT_INTERVAL_MILLIS = 1000;

	private final UserRows rows;

	/** The best-effort events, pending as well. */
	private final SequencedBuffer memory;

	private final Clock clock;

	private final long maxSize;

	/**
	 * Durable pending rows, including enqueues whose transaction has not completed yet.
	 */
	private final AtomicLong durablePending = new AtomicLong();

	private final AtomicLong deadLetters = new AtomicLong();

	private volatile long lastRecount;

	/**
	 * Whether the counts were read; not in the constructor, which may run before the
	 * schema exists.
	 */
	private volatile boolean counted;

	OutboxCounts(UserRows rows, SequencedBuffer memory, Clock clock, long maxSize) {
		this.rows = rows;
		this.memory = memory;
		this.clock = clock;
		this.maxSize = maxSize;
	}

	/**
	 * Return the pending events, durable or not.
	 * @return how many events wait to be acknowledged
	 */
	long pending() {
		countOnce();
		return Math.max(0, this.durablePending.get()) + this.memory.size();
	}

	/**
	 * Check that the queue has room for a best-effort event; the caller holds the lock of
	 * the in-memory events.
	 * @throws OutboundQueueFullException if it is full
	 */
	void checkRoom() {
		long pending = pending();
		if (pending >= this.maxSize) {
			throw new OutboundQueueFullException(pending, this.maxSize);
		}
	}

	/**
	 * Reserve room for a durable event before anything is written, to be
	 * {@linkplain #release released} again if nothing is.
	 * @throws OutboundQueueFullException if the queue is full
	 */
	void reserveDurable() {
		long pending = this.durablePending.incrementAndGet() + this.memory.size();
		if (pending > this.maxSize) {
			this.durablePending.decrementAndGet();
			throw new OutboundQueueFullException(pending - 1, this.maxSize);
		}
	}

	/**
	 * Give back the room of a durable event that was not written, or is no longer
	 * pending.
	 */
	void release() {
		this.durablePending.decrementAndGet();
	}

	/**
	 * Count rows the hub acknowledged and the relay deleted.
	 * @param rows how many were deleted
	 */
	void deleted(int rows) {
		this.durablePending.addAndGet(-rows);
	}

	/**
	 * Count an event dead-lettered.
	 * @param durable whether it was a row, pending until then
	 */
	void deadLettered(boolean durable) {
		if (durable) {
			this.durablePending.decrementAndGet();
		}
		this.deadLetters.incrementAndGet();
	}

	/**
	 * Return the dead letters of the user.
	 * @return how many events were dead-lettered and not revived or deleted
	 */
	long deadLetters() {
		countOnce();
		return this.deadLetters.get();
	}

	void countOnce() {
		if (!this.counted) {
			recount();
		}
	}

	/**
	 * Recount when the relay drained the queue, a cheap moment to correct the counts that
	 * other instances change, unless it was recounted lately.
	 * @param now when the claim that drained it began, in epoch milliseconds
	 */
	void drained(long now) {
		if (now - this.lastRecount >= RECOUNT_INTERVAL_MILLIS) {
			recount();
		}
	}

	/**
	 * Read the pending and dead-letter counts from the database again, after changes made
	 * elsewhere (other instances, the dead-letter API).
	 */
	void recount() {
		this.lastRecount = this.clock.millis();
		OutboxRepository repository = this.rows.repository();
		String userId = this.rows.userId();
		long[] counts = this.rows.transaction()
			.execute((status) -> new long[] { repository.count(userId, "NEW") + repository.count(userId, "SEQUENCED"),
					repository.count(userId, "DEAD") });
		if (counts != null) {
			this.durablePending.set(counts[0]);
			this.deadLetters.set(counts[1]);
			this.counted = true;
		}
	}

	/**
	 * Count nothing: the user's rows were deleted.
	 */
	void reset() {
		this.durablePending.set(0);
		this.deadLetters.set(0);
	}

}

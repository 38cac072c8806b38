package dev.realtime.outbox;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a user's queue knows of its rows without a seq yet, which the relay numbers once
 * committed: whether some may wait, so that a claim reads the database only then, and
 * whether this instance's own wait, so that a sender's next event is not numbered ahead
 * of them as it is written.
 */
final class UnnumberedRows {

	/**
	 * Whether new rows may wait: set when rows were committed here or elsewhere (as the
	 * assignments' poll saw), cleared by a claim before it reads.
	 */
	private final AtomicBoolean maybeWaiting = new AtomicBoolean(true);

	/**
	 * Counts the commits of new rows from this instance (callers' transactions, and group
	 * commits that could not number): a sender's next event is numbered at its write only
	 * once no new row of its own waits, or it would overtake it.
	 */
	private final AtomicLong committed = new AtomicLong();

	/** The highest {@link #committed} before a claim that found no new row. */
	private final AtomicLong numbered = new AtomicLong();

	/**
	 * New rows may wait, or the relay should read the database for another reason (rows
	 * were left to claim, or an event was not kept for it).
	 */
	void mayWait() {
		this.maybeWaiting.set(true);
	}

	/**
	 * This instance committed a new row.
	 */
	void committed() {
		this.committed.incrementAndGet();
		this.maybeWaiting.set(true);
	}

	/**
	 * Return whether new rows may wait, and clear it for the claim about to read.
	 * @return whether they may
	 */
	boolean takeMayWait() {
		return this.maybeWaiting.getAndSet(false);
	}

	/**
	 * Return whether every new row this instance committed was numbered.
	 * @return whether none of its own waits
	 */
	boolean noneOfOwnWaiting() {
		return this.committed.get() == this.numbered.get();
	}

	/**
	 * Return the mark to hand to {@link #numberedUpTo} once a read found no new row.
	 * @return how many new rows this instance committed so far
	 */
	long committedSoFar() {
		return this.committed.get();
	}

	/**
	 * A read found no new row: those committed before it are numbered.
	 * @param committedBefore {@link #committedSoFar} before the read
	 */
	void numberedUpTo(long committedBefore) {
		this.numbered.accumulateAndGet(committedBefore, Math::max);
	}

}

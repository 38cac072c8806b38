package dev.realtime.outbox;

/**
 * What became of an event handed to a group commit.
 *
 * @param seq the seq it was stored with, {@code 0} if stored as a new row for the relay
 * to number, {@code -1} if not stored because its idempotency key was pending
 */
record Stored(long seq) {

	/** Not stored: its idempotency key was pending. */
	static final Stored DUPLICATE = new Stored(-1);

	/** Stored as a new row, for the relay to number. */
	static final Stored NEW = new Stored(0);

	boolean inserted() {
		return this.seq >= 0;
	}

	boolean numbered() {
		return this.seq > 0;
	}

}

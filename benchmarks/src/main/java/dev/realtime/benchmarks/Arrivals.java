package dev.realtime.benchmarks;

import java.util.BitSet;

/**
 * Inbound events as a listener saw them, by seq: each seq counted once, and again as a
 * duplicate, so a row reports what it lost and what it delivered twice.
 */
final class Arrivals {

	private final BitSet seen = new BitSet();

	private long received;

	private long duplicates;

	/**
	 * Count an event.
	 * @param seq its seq in the user's stream
	 * @return whether it is the first arrival of that seq
	 */
	synchronized boolean record(long seq) {
		int index = Math.toIntExact(seq);
		if (this.seen.get(index)) {
			this.duplicates++;
			return false;
		}
		this.seen.set(index);
		this.received++;
		return true;
	}

	/**
	 * Distinct events received.
	 * @return the count
	 */
	synchronized long received() {
		return this.received;
	}

	/**
	 * Events received again.
	 * @return the count
	 */
	synchronized long duplicates() {
		return this.duplicates;
	}

}

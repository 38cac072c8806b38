package dev.realtime.client.spi;

/**
 * Told what became of an enqueued event: the relay is woken when it is claimable, and a
 * send whose transaction rolled back is forgotten.
 */
public interface EnqueueOutcome {

	/**
	 * The event can be claimed now (it was stored outside a transaction, or the caller's
	 * transaction committed).
	 */
	void claimable();

	/**
	 * The caller's transaction rolled back: the event was never stored and will never be
	 * sent.
	 */
	void discarded();

}

package dev.realtime.client;

/**
 * The states of a client's connection to the hub.
 */
public enum ConnectionState {

	/** First connection attempt in progress. */
	CONNECTING,

	/** Connected and resumed: events flow both ways. */
	CONNECTED,

	/** Not connected and not trying to: initial state, or after {@code disconnect()}. */
	DISCONNECTED,

	/** The connection was lost; attempts to restore it with backoff are under way. */
	RECONNECTING,

	/**
	 * Another instance of the application holds the user's lease and is connected for it;
	 * this one takes over when that lease is released or expires. Sending still works:
	 * the events are written to the shared outbox and relayed by the lease holder.
	 */
	STANDBY,

	/**
	 * Gave up for good (forbidden, retries exhausted, credentials rejected); see the
	 * cause.
	 */
	FAILED

}

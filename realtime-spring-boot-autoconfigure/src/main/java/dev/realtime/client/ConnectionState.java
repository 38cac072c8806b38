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

	/** Gave up for good (forbidden, retries exhausted, credentials rejected); see the cause. */
	FAILED

}

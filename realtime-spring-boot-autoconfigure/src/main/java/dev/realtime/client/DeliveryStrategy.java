package dev.realtime.client;

/**
 * How hard the client tries to deliver an outbound event.
 */
public enum DeliveryStrategy {

	/**
	 * Stored in the outbox (durably when a database is configured, inside the caller's
	 * transaction when there is one), sent with a seq and resent until acked. Never lost,
	 * accepted at most once by the server.
	 */
	AT_LEAST_ONCE,

	/**
	 * Kept in order in memory while offline and resent until acked; lost if the process
	 * dies.
	 */
	BEST_EFFORT_ORDERED,

	/**
	 * Sent only if connected, without seq, never retried nor acked.
	 */
	AT_MOST_ONCE

}

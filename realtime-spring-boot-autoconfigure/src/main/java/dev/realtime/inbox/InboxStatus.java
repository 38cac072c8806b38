package dev.realtime.inbox;

/**
 * State of a stored inbound event. Handled events are deleted, so there is no third
 * state.
 */
enum InboxStatus {

	/** Stored and waiting for the listeners. */
	RECEIVED,

	/**
	 * Parked after the listeners failed on it too often; kept for the failed-events API.
	 */
	FAILED

}

package dev.realtime.outbox;

/**
 * The state of a row of the outbox. Acked rows are deleted, not flagged.
 */
public enum OutboxStatus {

	/** Waiting to be sent or to be acked. */
	PENDING,

	/** Rejected by the hub or given up after too many attempts; never resent. */
	DEAD

}

package dev.realtime.client;

/**
 * {@code sendEvent} could not store an event in the durable outbox in time: the database
 * failed or did not answer within {@code realtime.outbox.write-timeout}. Tells the caller
 * whether the event may still have been stored.
 */
public class OutboxWriteException extends RuntimeException {

	private final Outcome outcome;

	/**
	 * Create an exception.
	 * @param outcome whether the event may still have been stored
	 * @param message the explanation
	 * @param cause the database's exception, if any
	 */
	public OutboxWriteException(Outcome outcome, String message, Throwable cause) {
		super(message, cause);
		this.outcome = outcome;
	}

	/**
	 * Return whether the event may still have been stored.
	 * @return the outcome
	 */
	public Outcome outcome() {
		return this.outcome;
	}

	/**
	 * What became of an event that {@code sendEvent} could not confirm.
	 */
	public enum Outcome {

		/** Nothing was written: sending it again is safe and does not duplicate it. */
		NOT_WRITTEN,

		/**
		 * The commit was under way when the time ran out or the connection broke: the
		 * event may be stored and then delivered. Sending it again with the same
		 * idempotency key ({@code SendOptions}) delivers it at most once.
		 */
		UNKNOWN

	}

}

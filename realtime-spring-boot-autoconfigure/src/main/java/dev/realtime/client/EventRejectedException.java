package dev.realtime.client;

/**
 * An outbound event will never be delivered: the server rejected it, or it exceeded its
 * delivery attempts, or it could not be sent under its delivery strategy. The event is
 * kept as a dead letter when it was durable.
 */
public class EventRejectedException extends RuntimeException {

	private final String idempotencyKey;

	private final String code;

	public EventRejectedException(String idempotencyKey, String code, String message) {
		super("Event " + idempotencyKey + " rejected (" + code + "): " + message);
		this.idempotencyKey = idempotencyKey;
		this.code = code;
	}

	/**
	 * Return the idempotency key of the rejected event.
	 * @return the key
	 */
	public String getIdempotencyKey() {
		return this.idempotencyKey;
	}

	/**
	 * Return the reason code: a server error code such as {@code invalid_event}, or
	 * {@code max_attempts}, {@code not_connected} or {@code backpressure} (an
	 * at-most-once event dropped because the connection's write buffer was full).
	 * @return the code
	 */
	public String getCode() {
		return this.code;
	}

}

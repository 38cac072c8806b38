package dev.realtime.protocol;

import org.jspecify.annotations.Nullable;

/**
 * An error from the server. With a {@code seq} it rejects that outbound event for good
 * (it still counts toward the cumulative ack); without one it is a connection-level
 * error.
 *
 * @param code the machine-readable code, for example {@code invalid_event}
 * @param message the human-readable explanation
 * @param seq the rejected outbound event's seq, or {@code null} for a connection-level
 * error
 */
public record ErrorFrame(String code, String message, @Nullable Long seq) implements Frame {

	/** With a seq: the event is malformed or not allowed by the server's rules. */
	public static final String INVALID_EVENT = "invalid_event";

	/** With a seq: the event's payload is larger than the server accepts. */
	public static final String PAYLOAD_TOO_LARGE = "payload_too_large";

	/** With a seq: the user may not send this event. */
	public static final String FORBIDDEN = "forbidden";

	/**
	 * With a seq: the server accepted this seq of the client before, with another
	 * idempotency key; the event was not accepted.
	 */
	public static final String SEQ_CONFLICT = "seq_conflict";

	/**
	 * Without a seq: a frame could not be decoded, is of a type the client may not send,
	 * or names another {@code client_id} than the connection's.
	 */
	public static final String INVALID_FRAME = "invalid_frame";

	@Override
	public FrameType type() {
		return FrameType.ERROR;
	}

}

package dev.realtime.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The frame types of protocol version 1 and their wire names.
 */
public enum FrameType {

	/**
	 * An event, in either direction.
	 */
	EVENT("event"),

	/**
	 * Acknowledges every event up to a seq.
	 */
	ACK("ack"),

	/**
	 * Asks for the events after a cursor.
	 */
	RESUME("resume"),

	/**
	 * A page of the events a {@code resume} asked for, with the server's ack.
	 */
	RESUME_RESPONSE("resume_response"),

	/**
	 * An ephemeral signal, never stored or acked, such as a ping or typing.
	 */
	META("meta"),

	/**
	 * An error, for one event (with its seq) or for the connection.
	 */
	ERROR("error");

	private final String wireName;

	FrameType(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * Return the name used in the {@code type} field.
	 * @return the wire name
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * Find the frame type with the given wire name.
	 * @param wireName the value of a {@code type} field
	 * @return the frame type, or {@code null} if the protocol defines none of that name
	 */
	public static @Nullable FrameType fromWireName(String wireName) {
		for (FrameType type : values()) {
			if (type.wireName.equals(wireName)) {
				return type;
			}
		}
		return null;
	}

}

package dev.realtime.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The frame types of protocol version 1 and their wire names.
 */
public enum FrameType {

	EVENT("event"), ACK("ack"), RESUME("resume"), RESUME_RESPONSE("resume_response"), META("meta"), ERROR("error");

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

package dev.realtime.protocol;

import tools.jackson.databind.JsonNode;

/**
 * An ephemeral signal, never stored nor resent. The constants are the signals protocol
 * version 1 defines; a side ignores a signal it does not know.
 *
 * @param event the signal name
 * @param payload the payload, an empty object when the signal has none
 */
public record MetaFrame(String event, JsonNode payload) implements Frame {

	/** Heartbeat request, sent by the client. */
	public static final String PING = "ping";

	/** Heartbeat answer, sent by the server. */
	public static final String PONG = "pong";

	/**
	 * A user's presence: the own {@code status} and {@code metadata} from a client;
	 * another user's {@code user_id}, {@code status}, {@code metadata} and
	 * {@code timestamp} from the server.
	 * @see PresenceStatus
	 */
	public static final String PRESENCE_UPDATE = "presence.update";

	/** A user started typing in the payload's {@code channel_id}. */
	public static final String TYPING_START = "typing.start";

	/** A user stopped typing in the payload's {@code channel_id}. */
	public static final String TYPING_STOP = "typing.stop";

	/** Join the payload's {@code room}, sent by a client. */
	public static final String ROOM_JOIN = "room.join";

	/**
	 * The user's privacy settings, sent by a client after every connect.
	 * @see PrivacySettings
	 */
	public static final String PRIVACY_UPDATE = "privacy.update";

	/**
	 * The user's profile, sent by a client after every connect and on change:
	 * {@code custom} (an object of at most {@value UserProfiles#MAX_CUSTOM_BYTES} bytes
	 * of JSON) and {@code privacy} (as {@link #PRIVACY_UPDATE}).
	 * @see UserProfiles
	 */
	public static final String USER_UPDATE = "user.update";

	/**
	 * Another user's profile, sent by the server to the users sharing a room with it:
	 * {@code user_id}, {@code custom} and {@code timestamp}.
	 */
	public static final String USER_UPDATED = "user.updated";

	@Override
	public FrameType type() {
		return FrameType.META;
	}

}

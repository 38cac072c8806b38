package dev.realtime.protocol;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The protocol's rules for the fields that name an event and its origin (the frame
 * envelope of {@code docs/PROTOCOL.md}): what a client refuses to send, and what it
 * counts as invalid when a server sends it.
 */
public final class EventFields {

	/** The longest event name and idempotency key, in characters. */
	public static final int MAX_LENGTH = 200;

	/** The rule for event names, as error messages tell it. */
	public static final String EVENT_NAME_RULE = "1 to 200 characters of letters, digits and . _ : / -, starting "
			+ "with a letter or digit";

	/** The rule for idempotency keys, as error messages tell it. */
	public static final String IDEMPOTENCY_KEY_RULE = "1 to 200 characters, none of them NUL";

	/** The rule for client ids, as error messages tell it. */
	private static final String CLIENT_ID_RULE = "1 to 128 characters of letters, digits and . _ : -";

	/**
	 * The widths of the inbound store's columns (V2, V7): the longest event name and
	 * idempotency key it keeps.
	 */
	private static final int STORED_NAME_LENGTH = 255;

	/** The width of the inbound store's column for the origin's client id (V7). */
	private static final int STORED_CLIENT_ID_LENGTH = 128;

	private static final Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}");

	private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

	private EventFields() {
	}

	/**
	 * Return whether an event name follows the rule: letters, digits and
	 * {@code . _ : / -}, starting with a letter or digit, at most 200 characters.
	 * @param name the candidate
	 * @return whether it is valid
	 */
	public static boolean isEventName(@Nullable String name) {
		return name != null && EVENT_NAME.matcher(name).matches();
	}

	/**
	 * Return whether an idempotency key follows the rule: 1 to 200 characters, none of
	 * them NUL (which databases such as PostgreSQL cannot store in text).
	 * @param key the candidate
	 * @return whether it is valid
	 */
	public static boolean isIdempotencyKey(@Nullable String key) {
		return key != null && fits(key, MAX_LENGTH);
	}

	/**
	 * Return whether a {@code client_id} follows the rule: 1 to 128 characters of
	 * letters, digits and {@code . _ : -}.
	 * @param clientId the candidate
	 * @return whether it is valid
	 */
	public static boolean isClientId(@Nullable String clientId) {
		return clientId != null && CLIENT_ID.matcher(clientId).matches();
	}

	/**
	 * Describe what breaks the rules in an event a server sent, if anything.
	 * @param event the event
	 * @return the first field that breaks its rule, described, or {@code null} if none
	 * does
	 */
	public static @Nullable String problem(EventFrame event) {
		if (!isEventName(event.event())) {
			return "its event name " + quoted(event.event()) + " is not " + EVENT_NAME_RULE;
		}
		if (event.idempotencyKey() != null && !isIdempotencyKey(event.idempotencyKey())) {
			return "its idempotency_key is not " + IDEMPOTENCY_KEY_RULE;
		}
		if (event.clientId() != null && !isClientId(event.clientId())) {
			return "its client_id " + quoted(event.clientId()) + " is not " + CLIENT_ID_RULE;
		}
		return null;
	}

	/**
	 * Return whether an event from a server can be stored exactly as it came, whether or
	 * not it follows the rules: the inbound store keeps event names and idempotency keys
	 * of up to 255 characters and client ids of up to 128, and no text with NUL.
	 * @param event the event
	 * @return whether it can be stored
	 */
	public static boolean isStorable(EventFrame event) {
		return fits(event.event(), STORED_NAME_LENGTH)
				&& (event.idempotencyKey() == null || fits(event.idempotencyKey(), STORED_NAME_LENGTH))
				&& (event.clientId() == null || fits(event.clientId(), STORED_CLIENT_ID_LENGTH));
	}

	static boolean fits(String text, int maxLength) {
		return !text.isEmpty() && text.length() <= maxLength && text.indexOf('\0') < 0;
	}

	private static String quoted(@Nullable String text) {
		return (text != null) ? FrameCodec.quoted(text) : "null";
	}

}

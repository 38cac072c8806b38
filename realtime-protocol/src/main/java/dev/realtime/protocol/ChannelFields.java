package dev.realtime.protocol;

import org.jspecify.annotations.Nullable;

/**
 * The protocol's rule for the ids of a channel and of a message in it, as typing
 * indicators and read receipts carry them (sections "Typing indicators" and "Read
 * receipts" of {@code docs/PROTOCOL.md}): what a client refuses to send, and what it
 * skips when a server relays it, so every receiver can keep what it is sent.
 */
public final class ChannelFields {

	/**
	 * The longest {@code channel_id} and {@code message_id}, in characters: the width of
	 * the receipt store's columns (V3).
	 */
	public static final int MAX_ID_LENGTH = 255;

	/** The rule for channel and message ids, as error messages tell it. */
	public static final String ID_RULE = "1 to 255 characters, none of them NUL";

	private ChannelFields() {
	}

	/**
	 * Return whether a channel or message id follows the rule: 1 to 255 characters, none
	 * of them NUL (which databases such as PostgreSQL cannot store in text).
	 * @param id the candidate
	 * @return whether it is valid
	 */
	public static boolean isId(@Nullable String id) {
		return id != null && EventFields.fits(id, MAX_ID_LENGTH);
	}

	/**
	 * Check a channel or message id the application wants to send.
	 * @param what what the id names, as the message starts ("Channel id")
	 * @param id the candidate
	 * @throws IllegalArgumentException naming the problem if it is blank or breaks the
	 * rule
	 */
	public static void requireId(String what, @Nullable String id) {
		if (id == null || id.isBlank()) {
			throw new IllegalArgumentException(what + " must not be blank");
		}
		if (!isId(id)) {
			throw new IllegalArgumentException(what + " must be " + ID_RULE + ", not " + id.length() + " characters"
					+ ((id.indexOf('\0') >= 0) ? " with a NUL" : ""));
		}
	}

}

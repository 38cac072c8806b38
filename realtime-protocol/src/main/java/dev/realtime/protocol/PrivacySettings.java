package dev.realtime.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * What the user shares with others, and the payload of the
 * {@value MetaFrame#PRIVACY_UPDATE} meta signal: {@code {"typing_indicators": bool,
 * "read_receipts": bool}}. A disabled feature is never sent by the client, and the hub is
 * told so it neither fans out nor exposes it either.
 *
 * @param typingIndicators whether the user's typing indicators are shared
 * @param readReceipts whether the user's read receipts are shared
 */
public record PrivacySettings(boolean typingIndicators, boolean readReceipts) {

	/** Everything shared: the default. */
	public static final PrivacySettings SHARE_ALL = new PrivacySettings(true, true);

	/** Payload field: whether the user's typing indicators may be fanned out. */
	public static final String TYPING_INDICATORS = "typing_indicators";

	/** Payload field: whether the user's read receipts may be fanned out. */
	public static final String READ_RECEIPTS = "read_receipts";

	/**
	 * Return the payload of the {@value MetaFrame#PRIVACY_UPDATE} meta signal.
	 * @return {@code {"typing_indicators": …, "read_receipts": …}}
	 */
	public Map<String, Object> toPayload() {
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put(TYPING_INDICATORS, this.typingIndicators);
		payload.put(READ_RECEIPTS, this.readReceipts);
		return payload;
	}

	/**
	 * Read the payload of a received {@value MetaFrame#PRIVACY_UPDATE} meta signal. A
	 * missing field shares that feature, as a user who never sent the signal does; a
	 * lenient {@code "false"} or {@code 0} keeps it private.
	 * @param payload the signal's payload
	 * @return the settings
	 */
	public static PrivacySettings fromPayload(JsonNode payload) {
		return new PrivacySettings(payload.path(TYPING_INDICATORS).asBoolean(true),
				payload.path(READ_RECEIPTS).asBoolean(true));
	}

}

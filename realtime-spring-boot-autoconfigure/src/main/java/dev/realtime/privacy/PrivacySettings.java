package dev.realtime.privacy;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the user shares with others. A disabled feature is never sent by the client, and the
 * hub is told (see {@link PrivacyAnnouncer}) so it neither fans out nor exposes it either.
 *
 * @param typingIndicators whether the user's typing indicators are shared
 * @param readReceipts whether the user's read receipts are shared
 */
public record PrivacySettings(boolean typingIndicators, boolean readReceipts) {

	/** Everything shared: the default. */
	public static final PrivacySettings SHARE_ALL = new PrivacySettings(true, true);

	/**
	 * Return the payload of the {@code privacy.update} meta signal.
	 * @return {@code {"typing_indicators": …, "read_receipts": …}}
	 */
	public Map<String, Object> toPayload() {
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put(PrivacyAnnouncer.TYPING_INDICATORS, this.typingIndicators);
		payload.put(PrivacyAnnouncer.READ_RECEIPTS, this.readReceipts);
		return payload;
	}

}

package dev.realtime.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the user's privacy settings, sent to the hub at every
 * connect.
 */
@ConfigurationProperties("realtime.privacy")
public class RealtimePrivacyProperties {

	/**
	 * Whether the user's typing indicators are shared. When disabled the client sends
	 * none and the hub fans out none for the user.
	 */
	private boolean typingIndicators = true;

	/**
	 * Whether the user's read receipts are shared. When disabled the client sends none
	 * and the hub fans out none for the user.
	 */
	private boolean readReceipts = true;

	public boolean isTypingIndicators() {
		return this.typingIndicators;
	}

	public void setTypingIndicators(boolean typingIndicators) {
		this.typingIndicators = typingIndicators;
	}

	public boolean isReadReceipts() {
		return this.readReceipts;
	}

	public void setReadReceipts(boolean readReceipts) {
		this.readReceipts = readReceipts;
	}

}

package dev.realtime.autoconfigure;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the JPA inbox (the inbound store in the application's database).
 */
@ConfigurationProperties("realtime.inbox")
public class RealtimeInboxProperties {

	/**
	 * Whether listeners run inside the transaction that removes the event from the inbox, so
	 * their own writes to the same database commit together with it (processing effectively
	 * once) and a failing listener rolls both back.
	 */
	private boolean transactional;

	public boolean isTransactional() {
		return this.transactional;
	}

	public void setTransactional(boolean transactional) {
		this.transactional = transactional;
	}

}

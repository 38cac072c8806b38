package dev.realtime.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the users an application connects at runtime through
 * {@code RealtimeClients}. Each user's client takes its other settings from
 * {@code realtime.*}, with its own user id.
 */
@ConfigurationProperties("realtime.users")
public class RealtimeUsersProperties {

	/**
	 * Longest time disconnectUser(id, true) waits for the user's pending events to be
	 * acked before it deletes the user's data anyway.
	 */
	private Duration flushTimeout = Duration.ofSeconds(10);

	public Duration getFlushTimeout() {
		return this.flushTimeout;
	}

	public void setFlushTimeout(Duration flushTimeout) {
		this.flushTimeout = flushTimeout;
	}

}

package dev.realtime.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of typing indicators.
 */
@ConfigurationProperties("realtime.typing")
public class RealtimeTypingProperties {

	/**
	 * How long a remote user counts as typing after their last typing.start.
	 */
	private Duration expiry = Duration.ofSeconds(5);

	/**
	 * Least time between two typing.start signals the client sends for one channel.
	 */
	private Duration throttle = Duration.ofSeconds(2);

	public Duration getExpiry() {
		return this.expiry;
	}

	public void setExpiry(Duration expiry) {
		this.expiry = expiry;
	}

	public Duration getThrottle() {
		return this.throttle;
	}

	public void setThrottle(Duration throttle) {
		this.throttle = throttle;
	}

}

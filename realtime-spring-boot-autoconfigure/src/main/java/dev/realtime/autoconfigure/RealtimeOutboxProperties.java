package dev.realtime.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the JPA outbox (the queue's size limits are in
 * {@link RealtimeProperties.Outbox}).
 */
@ConfigurationProperties("realtime.outbox")
public class RealtimeOutboxProperties {

	/**
	 * How long a claim of outbox rows and the relay lease of an instance last without
	 * renewal; rows and relay of an instance that stopped pass to another one after it.
	 */
	private Duration leaseDuration = Duration.ofSeconds(30);

	public Duration getLeaseDuration() {
		return this.leaseDuration;
	}

	public void setLeaseDuration(Duration leaseDuration) {
		this.leaseDuration = leaseDuration;
	}

}

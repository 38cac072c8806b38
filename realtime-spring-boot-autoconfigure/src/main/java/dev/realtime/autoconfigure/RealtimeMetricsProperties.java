package dev.realtime.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the realtime client's meters.
 */
@ConfigurationProperties("realtime.metrics")
public class RealtimeMetricsProperties {

	/**
	 * Time the outbox and inbox counts read by meters and the health indicator are reused
	 * before the stores are queried again, so a scrape or health check costs at most one
	 * set of queries.
	 */
	private Duration storeCountsTtl = Duration.ofSeconds(2);

	public Duration getStoreCountsTtl() {
		return this.storeCountsTtl;
	}

	public void setStoreCountsTtl(Duration storeCountsTtl) {
		this.storeCountsTtl = storeCountsTtl;
	}

}

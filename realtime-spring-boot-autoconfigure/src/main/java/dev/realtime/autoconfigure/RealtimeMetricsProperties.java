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

	/**
	 * Whether each user connected through RealtimeClients gets meters of its own, tagged
	 * with its user id, beside the aggregate realtime.users.* meters.
	 */
	private boolean userTag = true;

	/**
	 * Most users connected through RealtimeClients with meters of their own; later users
	 * count in the aggregate meters only, which keeps the number of time series bounded.
	 */
	private int maxTaggedUsers = 100;

	public Duration getStoreCountsTtl() {
		return this.storeCountsTtl;
	}

	public void setStoreCountsTtl(Duration storeCountsTtl) {
		this.storeCountsTtl = storeCountsTtl;
	}

	public boolean isUserTag() {
		return this.userTag;
	}

	public void setUserTag(boolean userTag) {
		this.userTag = userTag;
	}

	public int getMaxTaggedUsers() {
		return this.maxTaggedUsers;
	}

	public void setMaxTaggedUsers(int maxTaggedUsers) {
		this.maxTaggedUsers = maxTaggedUsers;
	}

}

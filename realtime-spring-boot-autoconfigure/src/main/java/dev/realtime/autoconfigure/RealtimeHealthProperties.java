package dev.realtime.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

import dev.realtime.actuate.HealthThresholds;

/**
 * Configuration properties of the realtime health indicator.
 */
@ConfigurationProperties("realtime.health")
public class RealtimeHealthProperties {

	/**
	 * Time the client may stay connecting or reconnecting before its health is reported
	 * with the degraded status; shorter outages are reported as UP.
	 */
	private Duration reconnectingThreshold = Duration.ofSeconds(30);

	/**
	 * Age of the oldest outbound event waiting for an ack beyond which health is reported
	 * with the degraded status.
	 */
	private Duration outboxAgeThreshold = Duration.ofMinutes(5);

	/**
	 * Health status code reported when the client reconnects for too long or the outbox
	 * is backed up, for example OUT_OF_SERVICE, DOWN or a custom code such as DEGRADED.
	 */
	private String degradedStatus = "OUT_OF_SERVICE";

	/**
	 * Most users connected through RealtimeClients listed one by one in the realtimeUsers
	 * health details, those not connected first; every user counts in the counts by
	 * state.
	 */
	private int maxListedUsers = 20;

	public Duration getReconnectingThreshold() {
		return this.reconnectingThreshold;
	}

	public void setReconnectingThreshold(Duration reconnectingThreshold) {
		this.reconnectingThreshold = reconnectingThreshold;
	}

	public Duration getOutboxAgeThreshold() {
		return this.outboxAgeThreshold;
	}

	public void setOutboxAgeThreshold(Duration outboxAgeThreshold) {
		this.outboxAgeThreshold = outboxAgeThreshold;
	}

	public String getDegradedStatus() {
		return this.degradedStatus;
	}

	public void setDegradedStatus(String degradedStatus) {
		this.degradedStatus = degradedStatus;
	}

	public int getMaxListedUsers() {
		return this.maxListedUsers;
	}

	public void setMaxListedUsers(int maxListedUsers) {
		this.maxListedUsers = maxListedUsers;
	}

	HealthThresholds thresholds() {
		return new HealthThresholds(this.reconnectingThreshold, this.outboxAgeThreshold, this.degradedStatus,
				this.maxListedUsers);
	}

}

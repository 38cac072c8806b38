package dev.realtime.autoconfigure;

import java.time.Duration;

/**
 * Heartbeat settings ({@code realtime.heartbeat.*}).
 */
public class HeartbeatProperties {

	/**
	 * Interval between pings to the hub.
	 */
	private Duration interval = Duration.ofSeconds(25);

	/**
	 * Time to wait for any frame after a ping before the connection is treated as dead.
	 */
	private Duration timeout = Duration.ofSeconds(10);

	public Duration getInterval() {
		return this.interval;
	}

	public void setInterval(Duration interval) {
		this.interval = interval;
	}

	public Duration getTimeout() {
		return this.timeout;
	}

	public void setTimeout(Duration timeout) {
		this.timeout = timeout;
	}

}

package dev.realtime.autoconfigure;

import java.time.Duration;

/**
 * Reconnect settings ({@code realtime.reconnect.*}).
 */
public class ReconnectProperties {

	/**
	 * Delay before the first reconnect attempt; it doubles on each further attempt.
	 */
	private Duration initialDelay = Duration.ofSeconds(1);

	/**
	 * Longest delay between reconnect attempts, jitter included.
	 */
	private Duration maxDelay = Duration.ofSeconds(30);

	/**
	 * Random spread of each delay, between 0 (none) and 1 (plus or minus 100%).
	 */
	private double jitter = 0.2;

	/**
	 * Reconnect attempts in a row before the client gives up and fails, -1 for no limit.
	 */
	private int maxRetries = -1;

	public Duration getInitialDelay() {
		return this.initialDelay;
	}

	public void setInitialDelay(Duration initialDelay) {
		this.initialDelay = initialDelay;
	}

	public Duration getMaxDelay() {
		return this.maxDelay;
	}

	public void setMaxDelay(Duration maxDelay) {
		this.maxDelay = maxDelay;
	}

	public double getJitter() {
		return this.jitter;
	}

	public void setJitter(double jitter) {
		this.jitter = jitter;
	}

	public int getMaxRetries() {
		return this.maxRetries;
	}

	public void setMaxRetries(int maxRetries) {
		this.maxRetries = maxRetries;
	}

}

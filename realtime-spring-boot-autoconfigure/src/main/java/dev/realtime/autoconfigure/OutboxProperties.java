package dev.realtime.autoconfigure;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * Outbound queue settings ({@code realtime.outbox.*}).
 */
public class OutboxProperties {

	/**
	 * Pending events a user's outbound queue may hold; beyond it sendEvent fails fast.
	 */
	private long maxSize = 100_000;

	/**
	 * Sent events that may await an ack at once.
	 */
	private int maxInFlight = 1000;

	/**
	 * How often the relay looks for events to send without being woken (events written by
	 * other instances, or committed late) and renews, or tries to take, the user's lease.
	 */
	private Duration pollInterval = Duration.ofSeconds(1);

	/**
	 * How long a user's lease lasts without renewal. Only the instance holding it
	 * connects for the user; another instance takes over within this time (plus a poll
	 * interval) after the holder dies. A graceful stop releases it at once.
	 */
	private Duration leaseDuration = Duration.ofSeconds(30);

	/**
	 * How long sendEvent outside a transaction waits for the database to commit its event
	 * before it fails with OutboxWriteException.
	 */
	private Duration writeTimeout = Duration.ofSeconds(5);

	/**
	 * Names this instance of the application in the users' leases and among the live
	 * instances that share the shared users (at most 64 characters). Must differ between
	 * instances running at the same time; a random id when not set.
	 */
	private @Nullable String instanceId;

	/**
	 * Where the outbox, the inbox and read receipts are kept: 'jdbc' in the application's
	 * DataSource (the library migrates its tables), or 'memory', lost on restart.
	 * Default: jdbc when the application has a DataSource, else memory.
	 */
	private @Nullable Store store;

	public long getMaxSize() {
		return this.maxSize;
	}

	public void setMaxSize(long maxSize) {
		this.maxSize = maxSize;
	}

	public int getMaxInFlight() {
		return this.maxInFlight;
	}

	public void setMaxInFlight(int maxInFlight) {
		this.maxInFlight = maxInFlight;
	}

	public Duration getPollInterval() {
		return this.pollInterval;
	}

	public void setPollInterval(Duration pollInterval) {
		this.pollInterval = pollInterval;
	}

	public Duration getLeaseDuration() {
		return this.leaseDuration;
	}

	public void setLeaseDuration(Duration leaseDuration) {
		this.leaseDuration = leaseDuration;
	}

	public Duration getWriteTimeout() {
		return this.writeTimeout;
	}

	public void setWriteTimeout(Duration writeTimeout) {
		this.writeTimeout = writeTimeout;
	}

	public @Nullable String getInstanceId() {
		return this.instanceId;
	}

	public void setInstanceId(@Nullable String instanceId) {
		this.instanceId = instanceId;
	}

	public @Nullable Store getStore() {
		return this.store;
	}

	public void setStore(@Nullable Store store) {
		this.store = store;
	}

	/**
	 * Where the outbox, the inbox and read receipts are kept.
	 */
	public enum Store {

		/** In the application's DataSource, through plain JDBC: durable. */
		JDBC,

		/** In memory: events survive reconnects but not a restart. */
		MEMORY

	}

}

package dev.realtime.client;

import java.net.URI;
import java.time.Duration;

/**
 * Settings of one {@link DefaultRealtimeClient}, usually bound from {@code realtime.*}
 * properties.
 *
 * @param url the hub's WebSocket endpoint, without the protocol's query parameters
 * @param userId the user the client acts for
 * @param connectTimeout how long a connection attempt (handshake and resume) may take
 * @param backoff the delays between reconnect attempts
 * @param maxRetries how many reconnect attempts in a row before failing, -1 for no limit
 * @param heartbeatInterval how often to ping the hub
 * @param heartbeatTimeout how long to wait for any frame after a ping before the connection is
 * treated as dead
 * @param defaultDeliveryStrategy the strategy of {@code sendEvent} without options
 * @param batchSize how many events to send in one frame, 0 to send each in its own frame
 * @param batchInterval how long a partial batch may wait for more events
 * @param maxInFlight how many sent events may await an ack at once
 * @param maxAttempts how many times an event is sent before it is dead-lettered
 * @param inboxMaxAttempts how many times listeners are tried on an inbound event before it is
 * parked as failed
 * @param maxAuthFailures how many refreshed tokens the hub may reject in a row before the
 * client fails
 */
public record ClientSettings(URI url, String userId, Duration connectTimeout, ExponentialBackoff backoff,
		int maxRetries, Duration heartbeatInterval, Duration heartbeatTimeout,
		DeliveryStrategy defaultDeliveryStrategy, int batchSize, Duration batchInterval, int maxInFlight,
		int maxAttempts, int inboxMaxAttempts, int maxAuthFailures) {

	public ClientSettings {
		UserIds.validate(userId);
		requirePositive(connectTimeout, "Connect timeout");
		requirePositive(heartbeatInterval, "Heartbeat interval");
		requirePositive(heartbeatTimeout, "Heartbeat timeout");
		if (maxRetries < -1) {
			throw new IllegalArgumentException("Max retries must be -1 (no limit) or more, was " + maxRetries);
		}
		if (batchSize < 0) {
			throw new IllegalArgumentException("Batch size must be 0 (off) or more, was " + batchSize);
		}
		if (maxInFlight < 1 || maxAttempts < 1 || inboxMaxAttempts < 1 || maxAuthFailures < 1) {
			throw new IllegalArgumentException("In-flight and attempt limits must be 1 or more");
		}
	}

	private static void requirePositive(Duration duration, String name) {
		if (duration.isZero() || duration.isNegative()) {
			throw new IllegalArgumentException(name + " must be positive, was " + duration);
		}
	}

	/**
	 * Start settings with the defaults of the {@code realtime.*} properties.
	 * @param url the hub's endpoint
	 * @param userId the user
	 * @return a builder
	 */
	public static Builder builder(URI url, String userId) {
		return new Builder(url, userId);
	}

	/**
	 * Return a builder that starts from these settings.
	 * @return a builder
	 */
	public Builder toBuilder() {
		Builder builder = new Builder(this.url, this.userId);
		builder.connectTimeout = this.connectTimeout;
		builder.backoff = this.backoff;
		builder.maxRetries = this.maxRetries;
		builder.heartbeatInterval = this.heartbeatInterval;
		builder.heartbeatTimeout = this.heartbeatTimeout;
		builder.defaultDeliveryStrategy = this.defaultDeliveryStrategy;
		builder.batchSize = this.batchSize;
		builder.batchInterval = this.batchInterval;
		builder.maxInFlight = this.maxInFlight;
		builder.maxAttempts = this.maxAttempts;
		builder.inboxMaxAttempts = this.inboxMaxAttempts;
		builder.maxAuthFailures = this.maxAuthFailures;
		return builder;
	}

	/**
	 * Builds {@link ClientSettings}; every setting starts at its property's default.
	 */
	public static final class Builder {

		private URI url;

		private String userId;

		private Duration connectTimeout = Duration.ofSeconds(10);

		private ExponentialBackoff backoff = new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
				0.2);

		private int maxRetries = -1;

		private Duration heartbeatInterval = Duration.ofSeconds(25);

		private Duration heartbeatTimeout = Duration.ofSeconds(10);

		private DeliveryStrategy defaultDeliveryStrategy = DeliveryStrategy.AT_LEAST_ONCE;

		private int batchSize;

		private Duration batchInterval = Duration.ofMillis(50);

		private int maxInFlight = 1000;

		private int maxAttempts = 10;

		private int inboxMaxAttempts = 3;

		private int maxAuthFailures = 3;

		private Builder(URI url, String userId) {
			this.url = url;
			this.userId = userId;
		}

		public Builder userId(String userId) {
			this.userId = userId;
			return this;
		}

		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = connectTimeout;
			return this;
		}

		public Builder reconnect(ExponentialBackoff backoff, int maxRetries) {
			this.backoff = backoff;
			this.maxRetries = maxRetries;
			return this;
		}

		public Builder heartbeat(Duration interval, Duration timeout) {
			this.heartbeatInterval = interval;
			this.heartbeatTimeout = timeout;
			return this;
		}

		public Builder defaultDeliveryStrategy(DeliveryStrategy strategy) {
			this.defaultDeliveryStrategy = strategy;
			return this;
		}

		public Builder batch(int size, Duration interval) {
			this.batchSize = size;
			this.batchInterval = interval;
			return this;
		}

		public Builder maxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
			return this;
		}

		public Builder maxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
			return this;
		}

		public Builder inboxMaxAttempts(int inboxMaxAttempts) {
			this.inboxMaxAttempts = inboxMaxAttempts;
			return this;
		}

		public Builder maxAuthFailures(int maxAuthFailures) {
			this.maxAuthFailures = maxAuthFailures;
			return this;
		}

		public ClientSettings build() {
			return new ClientSettings(this.url, this.userId, this.connectTimeout, this.backoff, this.maxRetries,
					this.heartbeatInterval, this.heartbeatTimeout, this.defaultDeliveryStrategy, this.batchSize,
					this.batchInterval, this.maxInFlight, this.maxAttempts, this.inboxMaxAttempts, this.maxAuthFailures);
		}

	}

}

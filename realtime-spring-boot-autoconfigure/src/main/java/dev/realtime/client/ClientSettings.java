package dev.realtime.client;

import java.net.URI;
import java.time.Duration;

import dev.realtime.protocol.UserIds;

/**
 * Settings of one {@link RealtimeClient}, usually bound from {@code realtime.*}
 * properties.
 *
 * @param url the hub's WebSocket endpoint, without the protocol's query parameters
 * @param userId the user the client acts for
 * @param connectTimeout how long a connection attempt (handshake and resume) may take
 * @param backoff the delays between reconnect attempts
 * @param maxRetries how many reconnect attempts in a row before failing, -1 for no limit
 * @param heartbeatInterval how often to ping the hub
 * @param heartbeatTimeout how long to wait for any frame after a ping before the
 * connection is treated as dead
 * @param defaultDeliveryStrategy the strategy of {@code sendEvent} without options
 * @param batchSize the most events sent together in one frame, 1 to send each in its own
 * frame
 * @param maxFrameSize the largest frame the client sends, in bytes of UTF-8
 * @param maxInFlight how many sent events may await an ack at once
 * @param pollInterval how often the relay looks for events without being woken, and
 * renews or tries to take the user's lease
 * @param inboxMaxAttempts how many times listeners are tried on an inbound event before
 * it is parked as failed
 * @param maxAuthFailures how many refreshed tokens the hub may reject in a row before the
 * client fails
 */
public record ClientSettings(URI url, String userId, Duration connectTimeout, ExponentialBackoff backoff,
		int maxRetries, Duration heartbeatInterval, Duration heartbeatTimeout, DeliveryStrategy defaultDeliveryStrategy,
		int batchSize, int maxFrameSize, int maxInFlight, Duration pollInterval, int inboxMaxAttempts,
		int maxAuthFailures) {

	public ClientSettings {
		UserIds.validate(userId);
		requirePositive(connectTimeout, "Connect timeout");
		requirePositive(heartbeatInterval, "Heartbeat interval");
		requirePositive(heartbeatTimeout, "Heartbeat timeout");
		requirePositive(pollInterval, "Poll interval");
		if (maxRetries < -1) {
			throw new IllegalArgumentException("Max retries must be -1 (no limit) or more, was " + maxRetries);
		}
		if (batchSize < 1) {
			throw new IllegalArgumentException(
					"Batch size must be 1 (each event in its own frame) or more, was " + batchSize);
		}
		if (maxFrameSize < 1024) {
			throw new IllegalArgumentException("Max frame size must be 1024 bytes or more, was " + maxFrameSize);
		}
		if (maxInFlight < 1 || inboxMaxAttempts < 1 || maxAuthFailures < 1) {
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
		builder.maxFrameSize = this.maxFrameSize;
		builder.maxInFlight = this.maxInFlight;
		builder.pollInterval = this.pollInterval;
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

		private ExponentialBackoff backoff = new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2);

		private int maxRetries = -1;

		private Duration heartbeatInterval = Duration.ofSeconds(25);

		private Duration heartbeatTimeout = Duration.ofSeconds(10);

		private DeliveryStrategy defaultDeliveryStrategy = DeliveryStrategy.AT_LEAST_ONCE;

		private int batchSize = 100;

		private int maxFrameSize = 1024 * 1024;

		private int maxInFlight = 1000;

		private Duration pollInterval = Duration.ofSeconds(1);

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

		public Builder batchSize(int size) {
			this.batchSize = size;
			return this;
		}

		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		public Builder pollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
			return this;
		}

		public Builder maxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
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
					this.maxFrameSize, this.maxInFlight, this.pollInterval, this.inboxMaxAttempts,
					this.maxAuthFailures);
		}

	}

}

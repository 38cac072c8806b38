package dev.realtime.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;

import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.SyncCompletedEvent;
import dev.realtime.client.SyncStatus;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.outbox.JdbcOutboundQueueFactory;

/**
 * Health of a realtime client: {@code UP} when connected, and during short reconnects;
 * {@code DOWN} when the client failed for good; the configured degraded status (by
 * default {@code OUT_OF_SERVICE}) when it has been connecting or reconnecting longer than
 * {@code realtime.health.reconnecting-threshold} or its oldest pending outbound event is
 * older than {@code realtime.health.outbox-age-threshold}; {@code UNKNOWN} while it
 * connects for the first time or when it was disconnected on purpose. Details: state,
 * user, client id, the transport of the current (or last) connection, where the outbox is
 * kept ({@code store}: {@code jdbc}, {@code memory}, or the class of the application's
 * own {@link OutboundQueueFactory}), store counts, whether the resume catch-up has
 * received all its pages ({@code sync.caughtUp}, with the last completed catch-up and the
 * last reset of the stream) and the last error; never a token.
 */
public class RealtimeHealthIndicator implements HealthIndicator {

	private final ObservableClient client;

	private final Supplier<ClientMetrics> metrics;

	private final HealthThresholds thresholds;

	private final Clock clock;

	private final String store;

	private volatile Instant stateSince;

	/**
	 * Create the indicator. It listens to the client's state changes from now on.
	 * @param client the client
	 * @param metrics supplies the client's metrics
	 * @param thresholds when the client is degraded
	 * @param clock the clock durations are measured with
	 * @param queues the factory of the client's outbound queues, whose kind the details
	 * show as the store, or {@code null} if unknown
	 */
	public RealtimeHealthIndicator(ObservableClient client, Supplier<ClientMetrics> metrics,
			HealthThresholds thresholds, Clock clock, @Nullable OutboundQueueFactory queues) {
		this.client = client;
		this.metrics = metrics;
		this.thresholds = thresholds;
		this.clock = clock;
		this.store = store(queues);
		this.stateSince = clock.instant();
		client.onConnectionStateChange((change) -> this.stateSince = this.clock.instant());
	}

	@Override
	public Health health() {
		ConnectionState state = this.client.connectionState();
		Instant now = this.clock.instant();
		Duration inState = Duration.between(this.stateSince, now);
		ClientMetrics metrics = this.metrics.get();
		Instant oldest = metrics.oldestPendingCreatedAt();
		Duration oldestAge = (oldest != null) ? Duration.between(oldest, now) : Duration.ZERO;
		String degraded = degradedReason(state, inState, oldestAge);
		Health.Builder health = Health.status(status(state, degraded))
			.withDetail("state", state)
			.withDetail("since", this.stateSince.toString())
			.withDetail("user", this.client.userId())
			.withDetail("clientId", this.client.clientId())
			.withDetail("store", this.store)
			.withDetail("pending", metrics.queueSize())
			.withDetail("oldestPendingAge", oldestAge.toString())
			.withDetail("deadLetters", metrics.deadLetters())
			.withDetail("failedInbound", metrics.failedInbound());
		String transport = this.client.transport();
		if (transport != null) {
			health.withDetail("transport", transport);
		}
		health.withDetail("sync", sync(state));
		if (degraded != null) {
			health.withDetail("degraded", degraded);
		}
		String lastError = this.client.lastError();
		if (lastError != null) {
			health.withDetail("lastError", lastError);
		}
		return health.build();
	}

	private static String store(@Nullable OutboundQueueFactory queues) {
		if (queues instanceof JdbcOutboundQueueFactory) {
			return "jdbc";
		}
		// the library's only other factory is the in-memory fallback
		if (queues == null || queues.getClass().getName().startsWith("dev.realtime.")) {
			return "memory";
		}
		return queues.getClass().getName();
	}

	/**
	 * Whether the resume catch-up of the current connection has received all its pages,
	 * with the last completed catch-up and the last reset of the stream.
	 * @param state the client's connection state
	 * @return the {@code sync} details
	 */
	private Map<String, Object> sync(ConnectionState state) {
		SyncStatus progress = this.client.syncProgress();
		Map<String, Object> sync = new LinkedHashMap<>();
		sync.put("caughtUp", state == ConnectionState.CONNECTED && progress.isCaughtUp());
		SyncCompletedEvent completed = progress.lastCompleted();
		if (completed != null) {
			sync.put("lastCompleted", completed.completedAt().toString());
			sync.put("lastPages", completed.pages());
		}
		Instant reset = progress.lastResetAt();
		if (reset != null) {
			sync.put("lastReset", reset.toString());
		}
		return sync;
	}

	private @Nullable String degradedReason(ConnectionState state, Duration inState, Duration oldestAge) {
		boolean connecting = state == ConnectionState.CONNECTING || state == ConnectionState.RECONNECTING;
		Duration reconnecting = this.thresholds.reconnecting();
		if (connecting && inState.compareTo(reconnecting) > 0) {
			return state.name().toLowerCase(Locale.ROOT) + " for " + inState + ", longer than " + reconnecting
					+ " (realtime.health.reconnecting-threshold)";
		}
		Duration outbox = this.thresholds.outboxAge();
		if (oldestAge.compareTo(outbox) > 0) {
			return "oldest pending outbound event is " + oldestAge + " old, older than " + outbox
					+ " (realtime.health.outbox-age-threshold)";
		}
		return null;
	}

	private Status status(ConnectionState state, @Nullable String degraded) {
		if (state == ConnectionState.FAILED) {
			return Status.DOWN;
		}
		if (degraded != null) {
			return new Status(this.thresholds.degradedStatus());
		}
		if (state == ConnectionState.CONNECTING || state == ConnectionState.DISCONNECTED) {
			return Status.UNKNOWN;
		}
		return Status.UP;
	}

}

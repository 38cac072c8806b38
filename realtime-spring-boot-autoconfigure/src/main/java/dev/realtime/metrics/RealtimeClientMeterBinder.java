package dev.realtime.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.realtime.auth.RefreshOutcome;
import dev.realtime.auth.RefreshingTokenProvider;
import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;

/**
 * Binds the {@link RealtimeMeters} of one client. Counters and store gauges read the
 * client's metrics snapshot (through a short-lived cache, so a scrape queries the stores
 * at most once); the timers are recorded from the client's ack and reconnect listeners.
 * Meters hold the client weakly, like every Micrometer function meter, and the snapshot
 * supplier through this binder.
 */
public class RealtimeClientMeterBinder implements MeterBinder {

	private final ObservableClient client;

	private final Supplier<ClientMetrics> metrics;

	private final @Nullable RefreshingTokenProvider tokens;

	/**
	 * Create a binder.
	 * @param client the client
	 * @param metrics supplies the client's metrics, typically a
	 * {@link CachedClientMetrics}
	 * @param tokens the client's token provider when it refreshes tokens, for
	 * {@link RealtimeMeters#TOKEN_REFRESHES}
	 */
	public RealtimeClientMeterBinder(ObservableClient client, Supplier<ClientMetrics> metrics,
			@Nullable RefreshingTokenProvider tokens) {
		this.client = client;
		this.metrics = metrics;
		this.tokens = tokens;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Tags tags = Tags.of(RealtimeMeters.USER_TAG, this.client.userId());
		counter(registry, RealtimeMeters.RECONNECTS, tags, ClientMetrics::reconnects);
		counter(registry, RealtimeMeters.MESSAGES_SENT, tags, ClientMetrics::messagesSent);
		counter(registry, RealtimeMeters.MESSAGES_ACKED, tags, ClientMetrics::messagesAcked);
		counter(registry, RealtimeMeters.MESSAGES_RECEIVED, tags, ClientMetrics::messagesReceived);
		counter(registry, RealtimeMeters.MESSAGES_DUPLICATES, tags, ClientMetrics::duplicatesDropped);
		counter(registry, RealtimeMeters.FRAMES_INVALID, tags, ClientMetrics::invalidFrames);
		counter(registry, RealtimeMeters.MESSAGES_DROPPED, tags, ClientMetrics::messagesDropped);
		counter(registry, RealtimeMeters.OUTBOX_RESEQUENCES, tags, ClientMetrics::outboundResequences);
		counter(registry, RealtimeMeters.MESSAGES_FAILED, tags.and(RealtimeMeters.DIRECTION_TAG, "outbound"),
				ClientMetrics::messagesDeadLettered);
		counter(registry, RealtimeMeters.MESSAGES_FAILED, tags.and(RealtimeMeters.DIRECTION_TAG, "inbound"),
				ClientMetrics::messagesParked);
		gauge(registry, RealtimeMeters.OUTBOX_SIZE, tags, ClientMetrics::queueSize);
		gauge(registry, RealtimeMeters.OUTBOX_DEAD, tags, ClientMetrics::deadLetters);
		RealtimeMeters.OUTBOX_OLDEST_AGE
			.timeGauge(this.client, TimeUnit.MILLISECONDS, (client) -> oldestPendingAgeMillis(this.metrics.get()))
			.tags(tags)
			.register(registry);
		RealtimeMeters.CONNECTED
			.gauge(this.client, (client) -> (client.connectionState() == ConnectionState.CONNECTED) ? 1 : 0)
			.tags(tags)
			.register(registry);
		for (String transport : RealtimeMeters.TRANSPORTS) {
			RealtimeMeters.TRANSPORT
				.gauge(this.client,
						(client) -> (client.connectionState() == ConnectionState.CONNECTED
								&& transport.equals(client.transport())) ? 1 : 0)
				.tags(tags.and(RealtimeMeters.TRANSPORT_TAG, transport))
				.register(registry);
		}
		Timer ackLatency = RealtimeMeters.ACK_LATENCY.timer().tags(tags).register(registry);
		this.client.onAck((ack) -> {
			// at-most-once events have no ack, hence no latency
			if (ack.latency() != null) {
				ackLatency.record(ack.latency());
			}
		});
		Timer reconnectDuration = RealtimeMeters.RECONNECT_DURATION.timer().tags(tags).register(registry);
		this.client.onReconnected(reconnectDuration::record);
		if (this.tokens != null) {
			for (RefreshOutcome outcome : RefreshOutcome.values()) {
				RealtimeMeters.TOKEN_REFRESHES.functionCounter(this.tokens, (tokens) -> tokens.refreshCount(outcome))
					.tags(tags.and(RealtimeMeters.OUTCOME_TAG, outcome.name().toLowerCase(Locale.ROOT)))
					.register(registry);
			}
		}
	}

	private void counter(MeterRegistry registry, RealtimeMeters meter, Tags tags,
			ToDoubleFunction<ClientMetrics> count) {
		meter.functionCounter(this.client, (client) -> count.applyAsDouble(this.metrics.get()))
			.tags(tags)
			.register(registry);
	}

	private void gauge(MeterRegistry registry, RealtimeMeters meter, Tags tags, ToDoubleFunction<ClientMetrics> value) {
		meter.gauge(this.client, (client) -> value.applyAsDouble(this.metrics.get())).tags(tags).register(registry);
	}

	private static double oldestPendingAgeMillis(ClientMetrics metrics) {
		Instant oldest = metrics.oldestPendingCreatedAt();
		return (oldest != null) ? Math.max(0, Duration.between(oldest, Instant.now()).toMillis()) : 0;
	}

}

package dev.realtime.hub.actuate;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import dev.realtime.hub.HubMetrics;

/**
 * The hub's counters in Micrometer. Per-second rates come from the registry (for example
 * Prometheus' {@code rate(realtime_hub_events_accepted_total[1m])}); the connection
 * gauges are {@link HubNodeMeterBinder}'s.
 */
public class MicrometerHubMetrics implements HubMetrics {

	private final Counter accepted;

	private final Counter delivered;

	private final Counter resumePages;

	private final Counter rateLimited;

	private final Counter authRefused;

	/**
	 * Register the counters.
	 * @param registry the registry they join
	 */
	public MicrometerHubMetrics(MeterRegistry registry) {
		this.accepted = Counter.builder("realtime.hub.events.accepted")
			.description("Events from clients the hub committed, resent duplicates not counted")
			.baseUnit("events")
			.register(registry);
		this.delivered = Counter.builder("realtime.hub.events.delivered")
			.description("Events of users' streams written to connections, live or in resume pages")
			.baseUnit("events")
			.register(registry);
		this.resumePages = Counter.builder("realtime.hub.resume.pages")
			.description("Resumes answered, one page of a user's stream each")
			.register(registry);
		this.rateLimited = Counter.builder("realtime.hub.rate.limited")
			.description("Connections closed with 4008 for exceeding their rate limit")
			.register(registry);
		this.authRefused = Counter.builder("realtime.hub.auth.refused")
			.description("Connections refused for their token (401 or 403)")
			.register(registry);
	}

	@Override
	public void eventsAccepted(int count) {
		this.accepted.increment(count);
	}

	@Override
	public void eventsDelivered(int count) {
		this.delivered.increment(count);
	}

	@Override
	public void resumePage() {
		this.resumePages.increment();
	}

	@Override
	public void rateLimitClosed() {
		this.rateLimited.increment();
	}

	@Override
	public void authRefused() {
		this.authRefused.increment();
	}

}

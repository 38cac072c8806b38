package dev.realtime.metrics;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.auth.RefreshingTokenProvider;
import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenSource.IssuedToken;
import dev.realtime.auth.TokenUnavailableException;
import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The meters of a real client against a real hub, read from a
 * {@link SimpleMeterRegistry}.
 */
class RealtimeClientMeterBinderTests {

	private final MeterRegistry registry = new SimpleMeterRegistry();

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private void connect(RefreshingTokenProvider tokens) {
		DefaultRealtimeClient client = TestClients.create(
				TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(),
				(tokens != null) ? tokens : new StaticTokenProvider("t"));
		new RealtimeClientMeterBinder(client, new CachedClientMetrics(client, Duration.ZERO), tokens)
			.bindTo(this.registry);
		this.fixture.connect(client);
	}

	@Test
	void countsSendsAcksAndAckLatency() throws Exception {
		connect(null);
		List<SendHandle> handles = IntStream.range(0, 5)
			.mapToObj((i) -> this.fixture.client().sendEvent("n", Map.of("i", i)))
			.toList();
		for (SendHandle handle : handles) {
			handle.acknowledged().get(5, TimeUnit.SECONDS);
		}

		assertThat(counter("realtime.messages.sent")).isEqualTo(5);
		assertThat(counter("realtime.messages.acked")).isEqualTo(5);
		Timer latency = this.registry.get("realtime.ack.latency").tag("user", "alice").timer();
		assertThat(latency.count()).isEqualTo(5);
		assertThat(latency.max(TimeUnit.NANOSECONDS)).isPositive();
		assertThat(gauge("realtime.outbox.size")).isZero();
		assertThat(gauge("realtime.outbox.oldest.age")).isZero();
		assertThat(gauge("realtime.connected")).isEqualTo(1);
		assertThat(transportGauge("websocket")).isEqualTo(1);
		assertThat(transportGauge("socketio")).isZero();
		assertThat(transportGauge("http")).isZero();
	}

	@Test
	void countsReconnectsAndTheirDurationAndReportsDisconnect() {
		connect(null);
		assertThat(this.registry.get("realtime.reconnect.duration").timer().count()).isZero();

		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");
		await().until(() -> counter("realtime.reconnects") == 1 && gauge("realtime.connected") == 1);
		Timer duration = this.registry.get("realtime.reconnect.duration").tag("user", "alice").timer();
		assertThat(duration.count()).isEqualTo(1);
		assertThat(duration.max(TimeUnit.NANOSECONDS)).isPositive();

		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");
		await().until(() -> counter("realtime.reconnects") == 2 && gauge("realtime.connected") == 1);
		assertThat(duration.count()).isEqualTo(2);

		this.fixture.client().disconnect();
		assertThat(gauge("realtime.connected")).isZero();
		assertThat(transportGauge("websocket")).isZero();
	}

	@Test
	void reportsBacklogAndDeadLetters() {
		connect(null);
		this.fixture.hub().acking(false);
		Instant before = Instant.now();
		this.fixture.client().sendEvent("n", Map.of("i", 1));
		await().until(() -> this.fixture.hub().received().size() == 1);
		assertThat(gauge("realtime.outbox.size")).isEqualTo(1);
		// the gauge is in seconds; wait until the event is measurably old
		await().until(() -> gauge("realtime.outbox.oldest.age") >= 0.05);
		assertThat(gauge("realtime.outbox.oldest.age"))
			.isLessThanOrEqualTo(Duration.between(before, Instant.now()).toMillis() / 1000.0);

		this.fixture.hub()
			.sendRaw(this.fixture.hub().encode(List.of(new ErrorFrame("invalid_event", "no such room", 1L))));

		await().until(() -> gauge("realtime.outbox.dead") == 1);
		assertThat(gauge("realtime.outbox.size")).isZero();
		assertThat(this.registry.get("realtime.messages.failed").tag("direction", "outbound").functionCounter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("realtime.messages.failed").tag("direction", "inbound").functionCounter().count())
			.isZero();
	}

	@Test
	void countsReceivedEventsAndTokenRefreshesByOutcome() {
		AtomicInteger fetches = new AtomicInteger();
		RefreshingTokenProvider tokens = new RefreshingTokenProvider("test issuer", () -> {
			if (fetches.incrementAndGet() == 1) {
				throw new TokenUnavailableException("issuer down", false);
			}
			return new IssuedToken("token-" + fetches.get(), null);
		}, Duration.ZERO, Clock.systemUTC());
		this.fixture.hub().store("alice", "chat.message", Map.of("text", "hi"));
		this.fixture.hub().store("alice", "chat.message", Map.of("text", "again"));

		connect(tokens);

		await().until(() -> counter("realtime.messages.received") == 2);
		assertThat(counter("realtime.messages.duplicates")).isZero();
		assertThat(refreshes("success")).isEqualTo(1);
		assertThat(refreshes("transient_failure")).isEqualTo(1);
		assertThat(refreshes("permanent_failure")).isZero();
		tokens.close();
	}

	@Test
	void countsFramesFromTheHubThatBreakTheProtocol() {
		connect(null);
		assertThat(counter("realtime.frames.invalid")).isZero();
		this.fixture.hub().sendRaw("not json");
		this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":-1}");
		await().until(() -> counter("realtime.frames.invalid") == 2);
	}

	@Test
	void countsDroppedAtMostOnceEvents() {
		DefaultRealtimeClient client = TestClients
			.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		this.fixture.use(client);
		new RealtimeClientMeterBinder(client, new CachedClientMetrics(client, Duration.ZERO), null)
			.bindTo(this.registry);
		assertThat(counter("realtime.messages.dropped")).isZero();
		// not connected: dropped
		SendHandle handle = client.sendEvent("cursor", Map.of("x", 1), SendOptions.with(DeliveryStrategy.AT_MOST_ONCE));
		assertThat(handle.acknowledged()).failsWithin(Duration.ofSeconds(5));
		assertThat(counter("realtime.messages.dropped")).isEqualTo(1);
		assertThat(counter("realtime.messages.sent")).isZero();
	}

	@Test
	void registersExactlyTheDocumentedMeters() {
		connect(new RefreshingTokenProvider("test issuer", () -> new IssuedToken("t", null), Duration.ZERO,
				Clock.systemUTC()));

		// every meter of a client; the realtime.users.* aggregates are
		// RealtimeUsersMeterBinder's
		assertThat(this.registry.getMeters()).extracting((meter) -> meter.getId().getName())
			.containsOnly(Arrays.stream(RealtimeMeters.values())
				.map(RealtimeMeters::getName)
				.filter((name) -> !name.startsWith("realtime.users"))
				.toArray(String[]::new));
		this.registry.getMeters().forEach((meter) -> {
			RealtimeMeters documented = Arrays.stream(RealtimeMeters.values())
				.filter((candidate) -> candidate.getName().equals(meter.getId().getName()))
				.findFirst()
				.orElseThrow();
			assertThat(meter.getId().getType()).as(documented.getName()).isEqualTo(documented.getType());
			assertThat(meter.getId().getTag("user")).isEqualTo("alice");
			assertThat(meter.getId().getDescription()).isEqualTo(documented.getDescription());
		});
	}

	private double counter(String name) {
		return this.registry.get(name).tag("user", "alice").functionCounter().count();
	}

	private double gauge(String name) {
		return this.registry.get(name).tag("user", "alice").gauge().value();
	}

	private double transportGauge(String transport) {
		return this.registry.get("realtime.transport").tag("user", "alice").tag("transport", transport).gauge().value();
	}

	private double refreshes(String outcome) {
		return this.registry.get("realtime.token.refreshes").tag("outcome", outcome).functionCounter().count();
	}

}

package dev.realtime.actuate;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.metrics.CachedClientMetrics;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health indicator's thresholds, over a real client and hub.
 */
class RealtimeHealthIndicatorTests {

	private static final HealthThresholds DEFAULTS = new HealthThresholds(Duration.ofSeconds(30), Duration.ofMinutes(5),
			"OUT_OF_SERVICE", 20);

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private DefaultRealtimeClient client;

	@BeforeEach
	void connect() {
		this.hub = this.fixture.hub();
		this.client = TestClients.create(TestClients.fastSettings(this.hub.uri(), "alice").build(),
				new StaticTokenProvider("t"));
		this.fixture.connect(this.client);
	}

	private RealtimeHealthIndicator indicator(HealthThresholds thresholds) {
		return new RealtimeHealthIndicator(this.client, new CachedClientMetrics(this.client, Duration.ZERO), thresholds,
				Clock.systemUTC(), null);
	}

	@Test
	void upDuringShortReconnectThenDegradedPastThreshold() {
		// a 300 ms threshold, not the default 30 s, so that the test waits for less
		RealtimeHealthIndicator indicator = indicator(new HealthThresholds(Duration.ofMillis(300), DEFAULTS.outboxAge(),
				DEFAULTS.degradedStatus(), DEFAULTS.maxListedUsers()));
		this.hub.close();

		await().until(() -> this.client.connectionState() == ConnectionState.RECONNECTING);
		assertThat(indicator.health().getStatus()).isIn(Status.UP, Status.OUT_OF_SERVICE);
		await().until(() -> indicator.health().getStatus().equals(Status.OUT_OF_SERVICE));
		Health health = indicator.health();
		assertThat(health.getDetails()).containsEntry("state", ConnectionState.RECONNECTING);
		assertThat((String) health.getDetails().get("degraded")).contains("realtime.health.reconnecting-threshold");
		assertThat((String) health.getDetails().get("lastError")).isNotBlank();
	}

	@Test
	void degradedStatusWhenOutboxBacksUp() {
		// a 100 ms threshold, not the default 5 min, so that the test waits for less
		RealtimeHealthIndicator indicator = indicator(new HealthThresholds(DEFAULTS.reconnecting(),
				Duration.ofMillis(100), "DEGRADED", DEFAULTS.maxListedUsers()));
		this.hub.acking(false);
		assertThat(indicator.health().getStatus()).isEqualTo(Status.UP);

		this.client.sendEvent("n", Map.of("i", 1));

		await().until(() -> indicator.health().getStatus().getCode().equals("DEGRADED"));
		Health health = indicator.health();
		assertThat(health.getDetails()).containsEntry("pending", 1L).containsEntry("state", ConnectionState.CONNECTED);
		assertThat((String) health.getDetails().get("degraded")).contains("realtime.health.outbox-age-threshold");
	}

}

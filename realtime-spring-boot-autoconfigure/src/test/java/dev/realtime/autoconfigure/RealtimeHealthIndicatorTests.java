package dev.realtime.autoconfigure;

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

	private final RealtimeHealthProperties properties = new RealtimeHealthProperties();

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private DefaultRealtimeClient client;

	private RealtimeHealthIndicator indicator;

	@BeforeEach
	void connect() {
		this.hub = this.fixture.hub();
		this.client = TestClients.create(TestClients.fastSettings(this.hub.uri(), "alice").build(),
				new StaticTokenProvider("t"));
		this.indicator = new RealtimeHealthIndicator(this.client, new CachedClientMetrics(this.client, Duration.ZERO),
				this.properties, Clock.systemUTC(), null);
		this.fixture.connect(this.client);
	}

	@Test
	void upDuringShortReconnectThenDegradedPastThreshold() {
		this.properties.setReconnectingThreshold(Duration.ofMillis(300));
		this.hub.close();

		await().until(() -> this.client.connectionState() == ConnectionState.RECONNECTING);
		assertThat(this.indicator.health().getStatus()).isIn(Status.UP, Status.OUT_OF_SERVICE);
		await().until(() -> this.indicator.health().getStatus().equals(Status.OUT_OF_SERVICE));
		Health health = this.indicator.health();
		assertThat(health.getDetails()).containsEntry("state", ConnectionState.RECONNECTING);
		assertThat((String) health.getDetails().get("degraded")).contains("realtime.health.reconnecting-threshold");
		assertThat((String) health.getDetails().get("lastError")).isNotBlank();
	}

	@Test
	void degradedStatusWhenOutboxBacksUp() {
		this.properties.setOutboxAgeThreshold(Duration.ofMillis(100));
		this.properties.setDegradedStatus("DEGRADED");
		this.hub.acking(false);
		assertThat(this.indicator.health().getStatus()).isEqualTo(Status.UP);

		this.client.sendEvent("n", Map.of("i", 1));

		await().until(() -> this.indicator.health().getStatus().getCode().equals("DEGRADED"));
		Health health = this.indicator.health();
		assertThat(health.getDetails()).containsEntry("pending", 1L).containsEntry("state", ConnectionState.CONNECTED);
		assertThat((String) health.getDetails().get("degraded")).contains("realtime.health.outbox-age-threshold");
	}

}

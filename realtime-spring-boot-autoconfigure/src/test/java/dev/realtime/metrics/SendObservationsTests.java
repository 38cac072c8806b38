package dev.realtime.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.EventRejectedException;
import dev.realtime.client.SendHandle;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code realtime.send} observations of a real client against a real hub.
 */
class SendObservationsTests {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry registry = ObservationRegistry.create();

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private DefaultRealtimeClient client;

	@BeforeEach
	void start() {
		this.registry.observationConfig().observationHandler(new ObservationHandler<>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStop(Observation.Context context) {
				SendObservationsTests.this.stopped.add(context);
			}

		});
		this.hub = this.fixture.hub();
		this.client = TestClients.create(TestClients.fastSettings(this.hub.uri(), "alice").build(),
				new StaticTokenProvider("t"));
		this.client.onSend(new SendObservations("alice", this.registry, null));
		this.fixture.connect(this.client);
	}

	@Test
	void observesEachEventFromSendToAck() throws Exception {
		SendHandle first = this.client.sendEvent("chat.message", Map.of("text", "hi"));
		SendHandle second = this.client.sendEvent("chat.typing", Map.of());
		first.acknowledged().get(5, TimeUnit.SECONDS);
		second.acknowledged().get(5, TimeUnit.SECONDS);

		await().until(() -> this.stopped.size() == 2);
		Observation.Context context = this.stopped.get(0);
		assertThat(context.getName()).isEqualTo("realtime.send");
		assertThat(context.getContextualName()).isEqualTo("realtime send");
		assertThat(context.getLowCardinalityKeyValues()).containsExactlyInAnyOrder(
				KeyValue.of("realtime.user", "alice"), KeyValue.of("realtime.delivery", "at_least_once"),
				KeyValue.of("realtime.outcome", "acked"));
		assertThat(context.getHighCardinalityKeyValues()).containsExactlyInAnyOrder(
				KeyValue.of("realtime.event", "chat.message"),
				KeyValue.of("realtime.idempotency.key", first.idempotencyKey()), KeyValue.of("realtime.seq", "1"));
		assertThat(context.getError()).isNull();
	}

	@Test
	void recordsRejectionCodeAsOutcome() {
		this.hub.acking(false);
		SendHandle handle = this.client.sendEvent("chat.message", Map.of("text", "too much"));
		await().until(() -> this.hub.received().size() == 1);

		this.hub.sendRaw(this.hub.encode(List.of(new ErrorFrame("payload_too_large", "too big", 1L))));

		assertThatThrownBy(() -> handle.acknowledged().get(5, TimeUnit.SECONDS))
			.hasCauseInstanceOf(EventRejectedException.class);
		await().until(() -> this.stopped.size() == 1);
		Observation.Context context = this.stopped.get(0);
		assertThat(context.getLowCardinalityKeyValue("realtime.outcome").getValue()).isEqualTo("payload_too_large");
		assertThat(context.getError()).isInstanceOf(EventRejectedException.class);
		assertThat(context.getHighCardinalityKeyValue("realtime.seq")).isNull();
	}

}

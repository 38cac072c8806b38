package dev.realtime.client;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.FaultProxy.Cut;
import dev.realtime.test.FaultProxy.Direction;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A connection that goes half-open (the proxy between client and hub stops forwarding
 * without closing anything) is detected by the heartbeat and recovered from with nothing
 * lost, in either direction. For all three directions the heartbeat is shortened to 1 s +
 * 1 s (defaults 25 s + 10 s) so the test takes seconds; one direction also runs with
 * every setting at its default, and {@code -Drealtime.test.default-heartbeat=true} runs
 * all three at the defaults (about two minutes).
 */
class HalfOpenConnectionTests {

	private static final boolean DEFAULTS = Boolean.getBoolean("realtime.test.default-heartbeat");

	private static final ClientSettings DEFAULT_SETTINGS = ClientSettings
		.builder(URI.create("ws://localhost/realtime"), "alice")
		.build();

	private static final Duration INTERVAL = DEFAULTS ? DEFAULT_SETTINGS.heartbeatInterval() : Duration.ofSeconds(1);

	private static final Duration TIMEOUT = DEFAULTS ? DEFAULT_SETTINGS.heartbeatTimeout() : Duration.ofSeconds(1);

	@RegisterExtension
	final HubFixture fixture = HubFixture.behindFaultProxy();

	private final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

	@ParameterizedTest
	@EnumSource(Direction.class)
	void detectsAHalfOpenConnectionWithinHeartbeatIntervalPlusTimeoutAndLosesNothing(Direction direction)
			throws Exception {
		ClientSettings settings = TestClients
			.fastSettings(this.fixture.proxy().route(this.fixture.hub().uri()), "alice")
			.heartbeat(INTERVAL, TIMEOUT)
			.build();
		detectsAndRecovers(settings, direction, INTERVAL, TIMEOUT);
	}

	/**
	 * The same with every setting at its default (heartbeat 25 s + 10 s, default
	 * backoff), in CI for one direction: about 40 s.
	 */
	@Test
	void detectsAHalfOpenConnectionAtTheDefaultSettings() throws Exception {
		ClientSettings settings = ClientSettings.builder(this.fixture.proxy().route(this.fixture.hub().uri()), "alice")
			.build();
		detectsAndRecovers(settings, Direction.UPSTREAM, DEFAULT_SETTINGS.heartbeatInterval(),
				DEFAULT_SETTINGS.heartbeatTimeout());
	}

	private void detectsAndRecovers(ClientSettings settings, Direction direction, Duration interval, Duration timeout)
			throws Exception {
		DefaultRealtimeClient client = TestClients.create(settings, "t");
		client.onMessage(this.messages::add);
		this.fixture.connect(client);
		List<SendHandle> handles = new ArrayList<>();
		IntStream.rangeClosed(1, 5).forEach((i) -> handles.add(client.sendEvent("n", Map.of("i", i))));
		handles.get(4).acknowledged().get(10, TimeUnit.SECONDS);

		this.fixture.proxy().halfOpen(direction);
		long stalledAt = System.nanoTime();
		IntStream.rangeClosed(6, 10).forEach((i) -> handles.add(client.sendEvent("n", Map.of("i", i))));
		this.fixture.hub().store("alice", "n", Map.of("in", 1));
		this.fixture.hub().store("alice", "n", Map.of("in", 2));
		await().atMost(interval.plus(timeout).plusSeconds(10))
			.until(() -> client.connectionState() != ConnectionState.CONNECTED);
		Duration detectedAfter = Duration.ofNanos(System.nanoTime() - stalledAt);
		assertThat(client.lastError()).contains("heartbeat timeout");
		// a ping goes out at most one interval after the stall, the timeout runs from
		// there
		assertThat(detectedAfter).isLessThanOrEqualTo(interval.plus(timeout).plusMillis(500));

		// the dead path is dropped by the network, then the proxy forwards new
		// connections again
		this.fixture.proxy().cutAll(Cut.RESET);
		this.fixture.proxy().resume();
		await().atMost(Duration.ofSeconds(20)).until(() -> client.connectionState() == ConnectionState.CONNECTED);
		for (SendHandle handle : handles) {
			handle.acknowledged().get(20, TimeUnit.SECONDS);
		}
		assertThat(this.fixture.hub().accepted()).extracting((event) -> event.payload().get("i").intValue())
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::seq)
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
		await().until(() -> this.messages.size() == 2);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L, 2L);
		assertThat(client.pendingCount()).isZero();
	}

}

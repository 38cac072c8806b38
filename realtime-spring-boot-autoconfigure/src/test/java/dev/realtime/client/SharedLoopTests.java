package dev.realtime.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.ClientRuntime;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.FaultProxy.Direction;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients that share an event loop do not wait for each other's network: when the hub
 * stops reading one client's connection while that client has megabytes to send, another
 * client on the same single loop thread keeps sending and receiving acks, and the stuck
 * client gives its connection up once too much waits to be written.
 */
class SharedLoopTests {

	private final ClientRuntime runtime = new ClientRuntime(1, 2, 1);

	private final ExecutorService closer = Executors.newFixedThreadPool(2);

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private FaultProxy proxy;

	@AfterEach
	void stop() {
		this.clients.forEach(DefaultRealtimeClient::close);
		this.runtime.close();
		this.closer.shutdownNow();
		if (this.proxy != null) {
			this.proxy.close();
		}
		if (this.hub != null) {
			this.hub.close();
		}
	}

	@Test
	void aHubThatStopsReadingOneClientHoldsUpNoOtherClientOnTheSameLoop() throws Exception {
		this.hub = this.fixture.hub();
		this.proxy = FaultProxy.inFrontOf(this.hub.uri().toString());
		DefaultRealtimeClient stuck = client(this.proxy.route(this.hub.uri()), "alice");
		DefaultRealtimeClient other = client(this.hub.uri(), "bob");
		await().until(() -> stuck.connectionState() == ConnectionState.CONNECTED
				&& other.connectionState() == ConnectionState.CONNECTED);

		this.proxy.halfOpen(Direction.UPSTREAM);
		// 36 MB: more than the socket buffers of both ends hold, so writes stop
		String text = "x".repeat(60_000);
		for (int i = 0; i < 600; i++) {
			stuck.sendEvent("big", Map.of("i", i, "text", text));
		}
		for (int i = 0; i < 20; i++) {
			long started = System.nanoTime();
			other.sendEvent("note", Map.of("i", i)).acknowledged().get(10, TimeUnit.SECONDS);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).as("round trip %d", i)
				.isLessThan(Duration.ofSeconds(2));
		}
		await().atMost(Duration.ofSeconds(30))
			.until(() -> stuck.lastError() != null && stuck.lastError().contains("does not read"));
		assertThat(other.connectionState()).isEqualTo(ConnectionState.CONNECTED);
	}

	private DefaultRealtimeClient client(URI uri, String user) {
		DefaultRealtimeClient client = new DefaultRealtimeClient(TestClients.fastSettings(uri, user).build(),
				new WebSocketTransport(1 << 20, Duration.ofSeconds(5), this.closer), new StaticTokenProvider("t"),
				new InMemoryOutboundQueue(10_000), new InMemoryInboundStore(), new FrameCodec(), Clock.systemUTC(),
				this.runtime);
		this.clients.add(client);
		client.connect();
		return client;
	}

}

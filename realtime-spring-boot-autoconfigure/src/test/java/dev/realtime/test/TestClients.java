package dev.realtime.test;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.awaitility.Awaitility.await;

/**
 * Builds real clients (WebSocket transport, in-memory stores) with fast timings, for
 * tests of the library and of the demo's hub.
 */
public final class TestClients {

	private TestClients() {
	}

	public static ClientSettings.Builder fastSettings(URI uri, String userId) {
		return ClientSettings.builder(uri, userId)
			.connectTimeout(Duration.ofSeconds(5))
			.reconnect(new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(400), 0.2), -1)
			.heartbeat(Duration.ofSeconds(25), Duration.ofSeconds(10));
	}

	public static DefaultRealtimeClient create(ClientSettings settings, @Nullable String token) {
		return create(settings, new StaticTokenProvider(token));
	}

	public static DefaultRealtimeClient create(ClientSettings settings, TokenProvider tokens) {
		return create(settings, tokens, new InMemoryOutboundQueue(100_000), new InMemoryInboundStore());
	}

	public static DefaultRealtimeClient create(ClientSettings settings, TokenProvider tokens, OutboundQueue outbound,
			InboundStore inbound) {
		return new DefaultRealtimeClient(settings,
				new WebSocketTransport(1 << 20, settings.connectTimeout(), Executors.newCachedThreadPool()), tokens,
				outbound, inbound, new FrameCodec(), Clock.systemUTC());
	}

	public static DefaultRealtimeClient create(ClientSettings settings, TokenProvider tokens, Transport transport) {
		return new DefaultRealtimeClient(settings, transport, tokens, new InMemoryOutboundQueue(100_000),
				new InMemoryInboundStore(), new FrameCodec(), Clock.systemUTC());
	}

	/**
	 * Collect what a client's message listeners are given from now on.
	 * @param client the client
	 * @return the messages, in the order they arrive
	 */
	public static List<InboundMessage> inbox(RealtimeClient client) {
		List<InboundMessage> inbox = new CopyOnWriteArrayList<>();
		client.onMessage(inbox::add);
		return inbox;
	}

	/**
	 * Connect a client and wait until it is connected.
	 * @param client the client
	 * @param wait how long it may take
	 */
	public static void connect(RealtimeClient client, Duration wait) {
		client.connect();
		await().atMost(wait).until(() -> client.connectionState() == ConnectionState.CONNECTED);
	}

}

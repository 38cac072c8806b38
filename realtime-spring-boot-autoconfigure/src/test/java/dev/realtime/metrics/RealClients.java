package dev.realtime.metrics;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.DefaultRealtimeClient;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.InMemoryInboundStore;
import dev.realtime.client.InMemoryOutboundQueue;
import dev.realtime.client.WebSocketTransport;
import dev.realtime.protocol.FrameCodec;

/**
 * Real clients with in-memory stores and fast reconnects, for tests outside the client package.
 */
public final class RealClients {

	private RealClients() {
	}

	public static DefaultRealtimeClient create(URI hub, String userId, TokenProvider tokens) {
		ClientSettings settings = ClientSettings.builder(hub, userId)
			.connectTimeout(Duration.ofSeconds(5))
			.reconnect(new ExponentialBackoff(Duration.ofMillis(20), Duration.ofMillis(100), 0.2), -1)
			.build();
		return new DefaultRealtimeClient(settings,
				new WebSocketTransport(1 << 20, settings.connectTimeout(), Executors.newCachedThreadPool()), tokens,
				new InMemoryOutboundQueue(1000), new InMemoryInboundStore(), new FrameCodec(), Clock.systemUTC());
	}

}

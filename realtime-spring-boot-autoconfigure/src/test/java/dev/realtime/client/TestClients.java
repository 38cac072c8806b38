package dev.realtime.client;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;

import org.jspecify.annotations.Nullable;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenProvider;
import dev.realtime.protocol.FrameCodec;

/**
 * Builds real clients with in-memory stores and fast timings for tests.
 */
final class TestClients {

	private TestClients() {
	}

	static ClientSettings.Builder fastSettings(URI uri, String userId) {
		return ClientSettings.builder(uri, userId)
			.connectTimeout(Duration.ofSeconds(5))
			.reconnect(new ExponentialBackoff(Duration.ofMillis(50), Duration.ofMillis(400), 0.2), -1)
			.heartbeat(Duration.ofSeconds(25), Duration.ofSeconds(10));
	}

	static DefaultRealtimeClient create(ClientSettings settings, @Nullable String token) {
		return create(settings, new StaticTokenProvider(token));
	}

	static DefaultRealtimeClient create(ClientSettings settings, TokenProvider tokens) {
		return new DefaultRealtimeClient(settings,
				new WebSocketTransport(1 << 20, settings.connectTimeout(), Executors.newCachedThreadPool()), tokens,
				new InMemoryOutboundQueue(100_000), new InMemoryInboundStore(), new FrameCodec(), Clock.systemUTC());
	}

}

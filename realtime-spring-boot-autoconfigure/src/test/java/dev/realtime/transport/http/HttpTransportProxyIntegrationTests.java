package dev.realtime.transport.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.test.HubFixture;
import dev.realtime.test.SquidProxy;
import dev.realtime.test.TestClients;
import dev.realtime.transport.TransportProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP transport through a real HTTP proxy that wants basic authentication (Debian's
 * {@code squid}, started by the test): with the configured credentials every SockJS
 * request goes through it and the events arrive; with wrong ones the connect fails with
 * the 407 named.
 */
class HttpTransportProxyIntegrationTests {

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	private static final ExecutorService executor = Executors.newCachedThreadPool();

	@AfterAll
	static void stop() {
		executor.shutdownNow();
	}

	@Test
	void sendsThroughAProxyWithBasicCredentials() throws Exception {
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret")) {
			DefaultRealtimeClient client = client(TransportProxy.of("127.0.0.1", squid.port(), "bob", "s3cret"));
			try {
				client.connect();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> client.connectionState() == ConnectionState.CONNECTED);
				IntStream.rangeClosed(1, 20)
					.mapToObj((i) -> client.sendEvent("proxied", Map.of("i", i)))
					.toList()
					.forEach((handle) -> handle.acknowledged().orTimeout(30, TimeUnit.SECONDS).join());
				assertThat(fixture.hub().accepted()).filteredOn((event) -> client.clientId().equals(event.clientId()))
					.hasSize(20);
			}
			finally {
				client.close();
			}
			await("the proxy's access log").atMost(Duration.ofSeconds(30))
				.until(squid::accessLog, (log) -> log.stream()
					.anyMatch((line) -> line.contains("/realtime-sockjs/") && line.contains(" bob ")));
		}
	}

	@Test
	void wrongProxyCredentialsFailTheConnectWith407() throws Exception {
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret")) {
			DefaultRealtimeClient client = client(TransportProxy.of("127.0.0.1", squid.port(), "bob", "wrong"));
			try {
				client.connect();
				String error = await().atMost(Duration.ofSeconds(30)).until(client::lastError, (last) -> last != null);
				assertThat(error).contains("HTTP 407", "realtime.proxy.username").doesNotContain("wrong");
				assertThat(client.connectionState()).isNotEqualTo(ConnectionState.CONNECTED);
			}
			finally {
				client.close();
			}
		}
	}

	private static DefaultRealtimeClient client(TransportProxy proxy) {
		URI uri = fixture.hub().uri();
		return TestClients.create(TestClients.fastSettings(uri, "alice").build(), new StaticTokenProvider("t"),
				new HttpTransport(null, 1 << 20, Duration.ofSeconds(5), executor, null, proxy));
	}

}

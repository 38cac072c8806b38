package dev.realtime.transport.http;

import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.SquidProxy;
import dev.realtime.test.TestCertificates;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;
import dev.realtime.transport.TransportProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP transport through a real HTTP proxy that wants credentials (Debian's
 * {@code squid}, started by the test), to a hub on {@code http://} (the proxy forwards
 * each request) and on {@code https://} with the service's own CA (the proxy opens a
 * {@code CONNECT} tunnel, which must carry the credentials too): with the configured
 * credentials (Basic, and Digest over {@code https://}) every SockJS request goes through
 * it and the events arrive; with wrong ones the connect fails with the 407 named.
 */
class HttpTransportProxyIntegrationTests {

	private static final int EVENTS = 2_000;

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	/** The {@code https://} hubs, one per test. */
	@RegisterExtension
	final HubFixture tlsHubs = HubFixture.onDemand();

	@TempDir
	static Path directory;

	/**
	 * The service's own CA: the hub's certificate comes from it, the client trusts it.
	 */
	private static TestCertificates authority;

	/** The hub's key and certificate, from that CA. */
	private static Path hubKeyStore;

	private static final ExecutorService executor = Executors.newCachedThreadPool();

	@BeforeAll
	static void createAuthority() {
		authority = TestCertificates.createAuthority(directory);
		hubKeyStore = authority.issue("hub", "dns:localhost,ip:127.0.0.1");
	}

	@AfterAll
	static void stop() {
		executor.shutdownNow();
	}

	@Test
	void sendsThroughAProxyWithBasicCredentials() throws Exception {
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret")) {
			DefaultRealtimeClient client = client(TransportProxy.of("127.0.0.1", squid.port(), "bob", "s3cret"));
			try {
				awaitConnected(client);
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

	@Test
	void carriesTwoThousandEventsEachWayOverHttpsThroughAProxyWithBasicCredentials() throws Exception {
		TestHub hub = startTlsHub();
		for (int i = 1; i <= EVENTS; i++) {
			hub.store("alice", "hub.pushed", Map.of("i", i));
		}
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret")) {
			DefaultRealtimeClient client = httpsClient(hub, squid, "s3cret");
			List<InboundMessage> inbox = TestClients.inbox(client);
			try {
				awaitConnected(client);
				List<SendHandle> first = send(client, 1, EVENTS / 2);
				await().atMost(Duration.ofSeconds(60)).until(() -> accepted(hub, client).size() >= EVENTS / 4);
				// the hub restarts: the client reconnects through a new tunnel
				hub.closeAll(CloseCodes.GOING_AWAY, "restart");
				List<SendHandle> second = send(client, EVENTS / 2 + 1, EVENTS);
				await().atMost(Duration.ofSeconds(60)).until(() -> client.metrics().reconnects() >= 1);
				first.forEach((handle) -> handle.acknowledged().orTimeout(120, TimeUnit.SECONDS).join());
				second.forEach((handle) -> handle.acknowledged().orTimeout(120, TimeUnit.SECONDS).join());
				await().atMost(Duration.ofSeconds(120)).until(() -> inbox.size() >= EVENTS);

				assertThat(accepted(hub, client))
					.containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
				assertThat(inbox).extracting((message) -> message.payload().get("i").intValue())
					.containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
				assertThat(client.transport()).isEqualTo("http");
			}
			finally {
				client.close();
			}
			awaitTunnel(squid, hub);
		}
	}

	@Test
	void connectsOverHttpsThroughAProxyWithDigestCredentials() throws Exception {
		TestHub hub = startTlsHub();
		try (SquidProxy squid = SquidProxy.withDigestAuthentication("bob", "s3cret")) {
			try (DefaultRealtimeClient client = httpsClient(hub, squid, "s3cret")) {
				awaitConnected(client);
				send(client, 1, 20).forEach((handle) -> handle.acknowledged().orTimeout(30, TimeUnit.SECONDS).join());
				assertThat(accepted(hub, client))
					.containsExactlyElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
			}
			awaitTunnel(squid, hub);
		}
	}

	@Test
	void wrongProxyCredentialsFailTheHttpsConnectWith407() throws Exception {
		TestHub hub = startTlsHub();
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret");
				DefaultRealtimeClient client = httpsClient(hub, squid, "wrong")) {
			client.connect();
			String error = await().atMost(Duration.ofSeconds(30)).until(client::lastError, (last) -> last != null);
			assertThat(error).contains("proxy", "HTTP 407", "realtime.proxy.username").doesNotContain("wrong");
			assertThat(client.connectionState()).isNotEqualTo(ConnectionState.CONNECTED);
			assertThat(hub.handshakes()).isZero();
		}
	}

	/**
	 * Wait for the proxy's log of a tunnel to the hub that the user opened. Squid logs a
	 * tunnel when it ends: the closed session's (the client's pooled connections stay
	 * open).
	 * @param squid the proxy
	 * @param hub the hub
	 */
	private static void awaitTunnel(SquidProxy squid, TestHub hub) {
		await("the proxy's access log").atMost(Duration.ofSeconds(30))
			.until(squid::accessLog,
					(log) -> log.stream()
						.anyMatch((line) -> line.contains("TCP_TUNNEL/200")
								&& line.contains(" CONNECT localhost:" + hub.uri().getPort() + " bob ")));
	}

	private static void awaitConnected(DefaultRealtimeClient client) {
		client.connect();
		await().atMost(Duration.ofSeconds(30)).until(() -> client.connectionState() == ConnectionState.CONNECTED);
	}

	/**
	 * Create a client of the {@code https://} hub through the proxy as {@code bob}.
	 * @param hub the hub
	 * @param squid the proxy
	 * @param password bob's password as the client has it
	 * @return the client
	 */
	private static DefaultRealtimeClient httpsClient(TestHub hub, SquidProxy squid, String password) throws Exception {
		return client(hub.uri(), trustingTheAuthority(), TransportProxy.of("127.0.0.1", squid.port(), "bob", password));
	}

	private static DefaultRealtimeClient client(TransportProxy proxy) {
		return client(fixture.hub().uri(), null, proxy);
	}

	private static DefaultRealtimeClient client(URI uri, @Nullable SSLContext sslContext, TransportProxy proxy) {
		return TestClients.create(TestClients.fastSettings(uri, "alice").build(), new StaticTokenProvider("t"),
				new HttpTransport(null, 1 << 20, Duration.ofSeconds(5), executor, sslContext, proxy));
	}

	private TestHub startTlsHub() {
		TestHub hub = this.tlsHubs.start("server.ssl.key-store=" + hubKeyStore.toUri(),
				"server.ssl.key-store-type=PKCS12", "server.ssl.key-store-password=" + TestCertificates.PASSWORD);
		assertThat(hub.uri().getScheme()).isEqualTo("wss");
		return hub;
	}

	private static SSLContext trustingTheAuthority() throws Exception {
		KeyStore trustStore = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(authority.trustStore())) {
			trustStore.load(in, TestCertificates.PASSWORD.toCharArray());
		}
		TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
		trust.init(trustStore);
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, trust.getTrustManagers(), null);
		return context;
	}

	private static List<SendHandle> send(DefaultRealtimeClient client, int first, int last) {
		return IntStream.rangeClosed(first, last)
			.mapToObj((i) -> client.sendEvent("client.sent", Map.of("i", i)))
			.toList();
	}

	private static List<Integer> accepted(TestHub hub, DefaultRealtimeClient client) {
		return hub.accepted()
			.stream()
			.filter((event) -> client.clientId().equals(event.clientId()))
			.map(EventFrame::payload)
			.map((payload) -> payload.get("i").intValue())
			.toList();
	}

}

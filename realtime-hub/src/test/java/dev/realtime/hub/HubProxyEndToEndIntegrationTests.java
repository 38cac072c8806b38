package dev.realtime.hub;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.SquidProxy;
import dev.realtime.test.TestClients;
import dev.realtime.transport.TransportProxy;
import dev.realtime.transport.http.FallbackTransport;
import dev.realtime.transport.http.HttpTransport;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Clients behind a real HTTP proxy (Debian's squid, started by the test): with WebSocket
 * upgrades refused a client with the HTTP fallback connects over HTTP and delivers, and
 * moves back to WebSocket once upgrades are allowed, losing and duplicating nothing
 * either way; behind a proxy that wants basic authentication the WebSocket transport
 * tunnels with the configured credentials and is refused, with a clear error, with wrong
 * ones.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.alice-token=alice",
				"realtime.hub.tokens.bob-token=bob", "realtime.hub.tokens.carol-token=carol" })
@ExtendWith(OutputCaptureExtension.class)
class HubProxyEndToEndIntegrationTests extends PostgresSchemaSupport {

	private static final Duration WAIT = Duration.ofSeconds(60);

	/** WebSocket tunnels (CONNECT) refused, plain HTTP requests forwarded. */
	private static final String UPGRADES_REFUSED = "http_access deny CONNECT\nhttp_access allow all";

	private static final String UPGRADES_ALLOWED = "http_access allow all";

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final ScheduledExecutorService probes = Executors.newSingleThreadScheduledExecutor();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.probes.shutdownNow();
		this.executor.shutdownNow();
	}

	@Test
	void fallsBackToHttpWhileUpgradesAreRefusedAndMovesBackWithoutLossOrDuplicates(CapturedOutput output)
			throws Exception {
		SquidProxy squid = closing(SquidProxy.start(UPGRADES_REFUSED));
		TransportProxy proxy = TransportProxy.of("127.0.0.1", squid.port(), null, null);
		WebSocketTransport webSocket = closing(webSocket(proxy));
		HttpTransport http = new HttpTransport(null, 1 << 20, Duration.ofSeconds(5), this.executor, null, proxy);
		// probes after 1 s (2 s at most) instead of 30 s (up to 10 min) so the test takes
		// seconds; the schedule is the client's ExponentialBackoff, tested on its own
		FallbackTransport fallback = new FallbackTransport(webSocket, "websocket", http, "http", Duration.ofSeconds(5),
				new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 0.2), this.probes);
		RecordingTransport transport = new RecordingTransport(fallback);
		DefaultRealtimeClient alice = closing(client("alice", "alice-token", transport));
		List<InboundMessage> inbox = TestClients.inbox(alice);

		TestClients.connect(alice, WAIT);
		assertThat(transport.opened).containsExactly("http");
		assertThat(squid.accessLog()).anyMatch((line) -> line.contains("TCP_DENIED/403") && line.contains("CONNECT"));
		assertThat(output).contains("Realtime transport: websocket failed").contains("fell back to http");

		List<SendHandle> sent = new ArrayList<>();
		AtomicInteger pushes = new AtomicInteger();
		for (int n = 1; n <= 200; n++) {
			sent.add(alice.sendEvent("note.saved", Map.of("n", n)));
			if (n % 20 == 0) {
				push(pushes);
			}
		}
		acknowledged(sent);
		assertThat(squid.accessLog()).anyMatch((line) -> line.contains("POST http://127.0.0.1:" + this.port))
			.anyMatch((line) -> line.contains("/xhr_send"));

		// events keep flowing, both ways, while the client moves back to WebSocket
		squid.reconfigure(UPGRADES_ALLOWED);
		CompletableFuture<List<SendHandle>> during = CompletableFuture.supplyAsync(() -> {
			List<SendHandle> handles = new ArrayList<>();
			int n = 200;
			// batches of 20, each acked before the next: some go before the move, some
			// are in flight when the HTTP session ends, some follow on WebSocket
			while (n < 400 || !movedBack(transport)) {
				for (int i = 0; i < 20; i++) {
					n++;
					handles.add(alice.sendEvent("note.saved", Map.of("n", n)));
				}
				push(pushes);
				handles.get(handles.size() - 1).acknowledged().orTimeout(WAIT.toSeconds(), TimeUnit.SECONDS).join();
			}
			return handles;
		}, this.executor);
		await().atMost(WAIT).until(() -> movedBack(transport) && alice.connectionState() == ConnectionState.CONNECTED);
		sent.addAll(during.get(WAIT.toSeconds(), TimeUnit.SECONDS));
		int total = sent.size() + 100;
		for (int n = sent.size() + 1; n <= total; n++) {
			sent.add(alice.sendEvent("note.saved", Map.of("n", n)));
		}
		push(pushes);
		acknowledged(sent);
		int pushed = pushes.get();

		assertThat(output).contains("websocket probe succeeded, leaving http for websocket");
		assertThat(squid.accessLog()).anyMatch((line) -> line.contains("TCP_TUNNEL") && line.contains("CONNECT"));
		// the hub accepted every event once, in order; the client stored every pushed
		// event once, in order
		assertThat(this.hub.acceptedEvents(alice.clientId())).extracting((accepted) -> accepted.seq())
			.containsExactlyElementsOf(LongStream.rangeClosed(1, total).boxed().toList());
		// events without a room come back to the sender's own stream: the user's stream
		// holds the sent and the pushed events, seq 1, 2, 3, … without a gap
		await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).hasSize(total + pushed));
		assertThat(inbox).extracting(InboundMessage::seq)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, total + pushed).boxed().toList());
		assertThat(inbox).filteredOn((message) -> message.event().equals("note.pushed"))
			.extracting((message) -> message.payload().get("n").intValue())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, pushed).boxed().toList());
		assertThat(alice.pendingCount()).isZero();
	}

	@Test
	void webSocketTunnelsThroughAnAuthenticatingProxyWithTheConfiguredCredentials() throws Exception {
		SquidProxy squid = closing(SquidProxy.withBasicAuthentication("proxy-user", "proxy-secret"));

		RecordingTransport transport = new RecordingTransport(
				closing(webSocket(TransportProxy.of("127.0.0.1", squid.port(), "proxy-user", "proxy-secret"))));
		DefaultRealtimeClient bob = closing(client("bob", "bob-token", transport));
		TestClients.connect(bob, WAIT);
		assertThat(bob.sendEvent("note.saved", Map.of("n", 1))
			.acknowledged()
			.get(WAIT.toSeconds(), TimeUnit.SECONDS)
			.seq()).isEqualTo(1);
		assertThat(transport.opened).containsExactly("websocket");
		assertThat(squid.accessLog()).anyMatch((line) -> line.contains("TCP_DENIED/407") && line.contains("CONNECT"));
		// squid logs a tunnel when it ends
		bob.close();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(squid.accessLog()).anyMatch((line) -> line.contains("TCP_TUNNEL/200")
					&& line.contains("CONNECT") && line.contains("proxy-user")));

		DefaultRealtimeClient carol = closing(client("carol", "carol-token",
				closing(webSocket(TransportProxy.of("127.0.0.1", squid.port(), "proxy-user", "wrong-secret")))));
		carol.connect();
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(carol.lastError()).contains("refused the WebSocket tunnel")
				.contains("HTTP 407")
				.contains("check realtime.proxy.username and realtime.proxy.password")
				.doesNotContain("wrong-secret"));
		assertThat(carol.connectionState()).isNotEqualTo(ConnectionState.CONNECTED);
	}

	private void push(AtomicInteger pushes) {
		this.hub.push("alice", "note.pushed", Map.of("n", pushes.incrementAndGet()));
	}

	private static boolean movedBack(RecordingTransport transport) {
		List<String> opened = List.copyOf(transport.opened);
		return !opened.isEmpty() && opened.get(opened.size() - 1).equals("websocket");
	}

	private WebSocketTransport webSocket(TransportProxy proxy) {
		return new WebSocketTransport(1 << 20, Duration.ofSeconds(5), this.executor, null, proxy);
	}

	private DefaultRealtimeClient client(String user, String token, Transport transport) {
		// reconnects shortened so the test takes seconds; the defaults are proven by the
		// delivery tests, which run at them
		ClientSettings settings = ClientSettings.builder(URI.create("ws://127.0.0.1:" + this.port + "/realtime"), user)
			.connectTimeout(Duration.ofSeconds(10))
			.reconnect(new ExponentialBackoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2), -1)
			.build();
		return new DefaultRealtimeClient(settings, transport, new StaticTokenProvider(token),
				new InMemoryOutboundQueue(100_000), new InMemoryInboundStore(), new FrameCodec(), Clock.systemUTC());
	}

	private static void acknowledged(List<SendHandle> handles) throws Exception {
		CompletableFuture.allOf(handles.stream().map(SendHandle::acknowledged).toArray(CompletableFuture[]::new))
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	private <T extends AutoCloseable> T closing(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	/**
	 * Records the transport of each session the client opened.
	 */
	static final class RecordingTransport implements Transport {

		final List<String> opened = new CopyOnWriteArrayList<>();

		private final Transport delegate;

		RecordingTransport(Transport delegate) {
			this.delegate = delegate;
		}

		@Override
		public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
				TransportListener listener) {
			return this.delegate.connect(uri, headers, listener).thenApply((session) -> {
				this.opened.add(session.transport());
				return session;
			});
		}

	}

}

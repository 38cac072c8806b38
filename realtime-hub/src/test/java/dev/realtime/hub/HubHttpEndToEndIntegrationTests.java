package dev.realtime.hub;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
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
import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.client.spi.Transport.TransportSession;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestClients;
import dev.realtime.transport.TransportProxy;
import dev.realtime.transport.http.HttpTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The library's HTTP transport (SockJS over XHR) against the hub's SockJS endpoint, on
 * PostgreSQL: the same frames, acks, resume, limits and token checks as on WebSocket.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.alice-token=alice",
				"realtime.hub.tokens.bob-token=bob", "realtime.hub.tokens.carol-token=carol",
				"realtime.hub.tokens.dave-token=dave", "realtime.hub.resume-page-size=3" })
class HubHttpEndToEndIntegrationTests extends PostgresSchemaSupport {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int FRAME_LIMIT = 1 << 20;

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(DefaultRealtimeClient::close);
		this.executor.shutdownNow();
	}

	@Test
	void sessionsAreHttpAndARefusedTokenIsAHandshakeRejection() throws Exception {
		HttpTransport transport = transport(FRAME_LIMIT);
		Recorder recorder = new Recorder();
		TransportSession session = transport
			.connect(handshakeUri(UUID.randomUUID().toString(), "alice"), bearer("alice-token"), recorder)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(session.transport()).isEqualTo("http");
		session.close(1000, "done");

		CompletableFuture<TransportSession> refused = transport
			.connect(handshakeUri(UUID.randomUUID().toString(), "alice"), bearer("wrong-token"), new Recorder());
		assertThatThrownBy(() -> refused.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(HandshakeRejectedException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(401));
		CompletableFuture<TransportSession> forbidden = transport
			.connect(handshakeUri(UUID.randomUUID().toString(), "bob"), bearer("alice-token"), new Recorder());
		assertThatThrownBy(() -> forbidden.get(WAIT.toSeconds(), TimeUnit.SECONDS)).cause()
			.isInstanceOfSatisfying(HandshakeRejectedException.class,
					(ex) -> assertThat(ex.getStatus()).isEqualTo(403));

		DefaultRealtimeClient client = client("alice", "wrong-token");
		client.connect();
		await().atMost(WAIT).until(() -> client.lastError() != null && client.lastError().contains("401"));
		assertThat(client.connectionState()).isNotEqualTo(ConnectionState.CONNECTED);
	}

	@Test
	void sendsWithAcksAndReceivesFanOutOverHttp() throws Exception {
		DefaultRealtimeClient alice = connected("alice", "alice-token");
		List<InboundMessage> aliceInbox = TestClients.inbox(alice);
		SendHandle handle = alice.sendEvent("chat.message", Map.of("text", "over http", "room", "general"));
		assertThat(handle.acknowledged().get(WAIT.toSeconds(), TimeUnit.SECONDS).seq()).isEqualTo(1);
		assertThat(this.hub.acceptedEvents(alice.clientId())).singleElement()
			.satisfies((accepted) -> assertThat(accepted.idempotencyKey()).isEqualTo(handle.idempotencyKey()));
		await().atMost(WAIT)
			.untilAsserted(
					() -> assertThat(aliceInbox).extracting((message) -> message.payload().get("text").asString())
						.contains("over http"));
		assertThat(alice.pendingCount()).isZero();
	}

	@Test
	void droppedSessionIsResumedWithoutGapsOrDuplicates() throws Exception {
		DefaultRealtimeClient bob = client("bob", "bob-token");
		List<InboundMessage> inbox = TestClients.inbox(bob);
		TestClients.connect(bob, WAIT);
		this.hub.push("bob", "note.pushed", Map.of("n", 1));
		await().atMost(WAIT).until(() -> inbox.size() == 1);

		assertThat(this.hub.closeSessions("bob", CloseCodes.GOING_AWAY, "test restart")).isEqualTo(1);
		// pushed while the client is away: replayed by resume, in pages of 3
		for (int n = 2; n <= 8; n++) {
			this.hub.push("bob", "note.pushed", Map.of("n", n));
		}
		await().atMost(WAIT)
			.until(() -> bob.connectionState() == ConnectionState.CONNECTED
					&& this.hub.connectedUsers().contains("bob"));
		this.hub.push("bob", "note.pushed", Map.of("n", 9));

		await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).hasSize(9));
		assertThat(inbox).extracting(InboundMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
		assertThat(bob.metrics().reconnects()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void manyConcurrentSendsAreAcceptedOnceEachInSeqOrder() throws Exception {
		DefaultRealtimeClient carol = connected("carol", "carol-token");
		int threads = 8;
		int perThread = 250;
		List<CompletableFuture<List<SendHandle>>> senders = IntStream.range(0, threads)
			.mapToObj((thread) -> CompletableFuture.supplyAsync(() -> IntStream.range(0, perThread)
				.mapToObj((n) -> carol.sendEvent("note.saved", Map.of("thread", thread, "n", n)))
				.toList(), this.executor))
			.toList();
		List<SendHandle> handles = new ArrayList<>();
		for (CompletableFuture<List<SendHandle>> sender : senders) {
			handles.addAll(sender.get(WAIT.toSeconds(), TimeUnit.SECONDS));
		}
		CompletableFuture
			.allOf(handles.stream().map((handle) -> handle.acknowledged()).toArray(CompletableFuture[]::new))
			.get(WAIT.toSeconds() * 2, TimeUnit.SECONDS);
		// a frame overtaking an earlier one would make the hub skip the earlier seq as a
		// duplicate: every seq accepted, once, in order, proves the order held
		assertThat(this.hub.acceptedEvents(carol.clientId())).extracting((accepted) -> accepted.seq())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, threads * perThread).mapToObj(Long::valueOf).toList());
	}

	@Test
	void messagesAboveTheFrameLimitCloseTheSessionWith1009BothWays() throws Exception {
		// the hub refuses a message above its limit (realtime.hub.max-frame-size, 1 MB)
		Recorder toHub = new Recorder();
		TransportSession session = transport(FRAME_LIMIT)
			.connect(handshakeUri(UUID.randomUUID().toString(), "dave"), bearer("dave-token"), toHub)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		session.send("[" + "\"x\",".repeat(FRAME_LIMIT / 4 + 1) + "\"x\"]");
		await().atMost(WAIT).untilAsserted(() -> assertThat(toHub.closes).containsExactly(1009));

		// the client refuses a message above its own limit: a resume answer carrying an
		// event of 2 KB, with a 1 KB limit
		this.hub.push("dave", "note.pushed", Map.of("text", "y".repeat(2048)));
		Recorder fromHub = new Recorder();
		String clientId = UUID.randomUUID().toString();
		TransportSession small = transport(1024).connect(handshakeUri(clientId, "dave"), bearer("dave-token"), fromHub)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		small.send("{\"type\":\"resume\",\"client_id\":\"" + clientId + "\",\"last_ack_seq\":0}");
		await().atMost(WAIT).untilAsserted(() -> assertThat(fromHub.closes).containsExactly(1009));
		assertThat(fromHub.texts).isEmpty();
	}

	private HttpTransport transport(int maxMessageSize) {
		return new HttpTransport(null, maxMessageSize, Duration.ofSeconds(5), this.executor, null,
				TransportProxy.jvm());
	}

	private URI handshakeUri(String clientId, String user) {
		return URI.create(
				"ws://localhost:" + this.port + "/realtime?client_id=" + clientId + "&user_id=" + user + "&protocol=1");
	}

	private static Map<String, String> bearer(String token) {
		return Map.of("Authorization", "Bearer " + token);
	}

	private DefaultRealtimeClient connected(String user, String token) {
		DefaultRealtimeClient client = client(user, token);
		TestClients.connect(client, WAIT);
		return client;
	}

	private DefaultRealtimeClient client(String user, String token) {
		// reconnects after the hub's deliberate cuts are shortened so the test takes
		// seconds; the defaults are proven by the delivery tests, which run at them
		ClientSettings settings = ClientSettings.builder(URI.create("ws://localhost:" + this.port + "/realtime"), user)
			.reconnect(new ExponentialBackoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2), -1)
			.build();
		DefaultRealtimeClient client = new DefaultRealtimeClient(settings, transport(settings.maxFrameSize()),
				new StaticTokenProvider(token), new InMemoryOutboundQueue(100_000), new InMemoryInboundStore(),
				new FrameCodec(), Clock.systemUTC());
		this.clients.add(client);
		return client;
	}

	/**
	 * Records what arrives on a raw transport session.
	 */
	static final class Recorder implements Transport.TransportListener {

		final List<String> texts = new CopyOnWriteArrayList<>();

		final List<Integer> closes = new CopyOnWriteArrayList<>();

		@Override
		public void onText(String text) {
			this.texts.add(text);
		}

		@Override
		public void onClosed(int code, String reason) {
			this.closes.add(code);
		}

	}

}

package dev.realtime.hub;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.EventRejectedException;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SyncResetEvent;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.test.MutableClock;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The hub on PostgreSQL, driven by the library's real {@link DefaultRealtimeClient}.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.alice-token=alice",
				"realtime.hub.tokens.bob-token=bob", "realtime.hub.tokens.carol-token=carol",
				"realtime.hub.tokens.dave-token=dave", "realtime.hub.tokens.erin-token=erin",
				"realtime.hub.tokens.frank-token=frank", "realtime.hub.resume-page-size=3" })
class HubClientEndToEndIntegrationTests extends PostgresSchemaSupport {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Autowired
	MutableClock clock;

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	@AfterEach
	void closeClients() {
		this.clients.forEach(DefaultRealtimeClient::close);
	}

	@Test
	void badTokenIsRefusedWith401AndTheClientDoesNotConnect() {
		DefaultRealtimeClient client = client("alice", "wrong-token");
		List<ConnectionState> states = new CopyOnWriteArrayList<>();
		client.onConnectionStateChange((change) -> states.add(change.current()));
		client.connect();
		await().atMost(WAIT).until(() -> client.lastError() != null && client.lastError().contains("401"));
		assertThat(states).doesNotContain(ConnectionState.CONNECTED);
		assertThat(this.hub.connectedUsers()).doesNotContain("alice");
		assertThat(handshakeStatus("alice", "wrong-token", UUID.randomUUID().toString(), "1")).isEqualTo(401);
		assertThat(handshakeStatus("alice", null, UUID.randomUUID().toString(), "1")).isEqualTo(401);
	}

	@Test
	void handshakeChecksParametersAndIdentity() {
		String clientId = UUID.randomUUID().toString();
		assertThat(handshakeStatus("alice", "alice-token", clientId, "2")).isEqualTo(400);
		assertThat(handshakeStatus("alice", "alice-token", null, "1")).isEqualTo(400);
		assertThat(handshakeStatus("Not Valid", "alice-token", clientId, "1")).isEqualTo(400);
		// a token names its user: it cannot be used for another
		assertThat(handshakeStatus("bob", "alice-token", clientId, "1")).isEqualTo(403);
		// a client_id belongs to the first user that connected with it
		assertThat(handshakeStatus("alice", "alice-token", clientId, "1")).isEqualTo(101);
		assertThat(handshakeStatus("bob", "bob-token", clientId, "1")).isEqualTo(403);
		// browsers pass the token as a query parameter
		assertThat(handshakeStatus("alice", "?access_token=alice-token", UUID.randomUUID().toString(), "1"))
			.isEqualTo(101);
	}

	@Test
	void sentEventIsAckedStoredAndFannedOutToASecondUser() throws Exception {
		DefaultRealtimeClient alice = connected("alice", "alice-token");
		DefaultRealtimeClient bob = connected("bob", "bob-token");
		List<InboundMessage> aliceInbox = TestClients.inbox(alice);
		List<InboundMessage> bobInbox = TestClients.inbox(bob);
		join(bob, "bob", "general");

		// a client cannot pass for another user: the hub stamps the sender's own user_id
		SendHandle handle = alice.sendEvent("chat.message",
				Map.of("text", "Hello", "room", "general", "user_id", "mallory"));
		Acknowledgement ack = handle.acknowledged().get(WAIT.toSeconds(), TimeUnit.SECONDS);

		assertThat(ack.seq()).isEqualTo(1);
		assertThat(this.hub.acceptedEvents(alice.clientId())).singleElement().satisfies((accepted) -> {
			assertThat(accepted.seq()).isEqualTo(1);
			assertThat(accepted.idempotencyKey()).isEqualTo(handle.idempotencyKey());
			assertThat(accepted.payload().get("text").stringValue()).isEqualTo("Hello");
		});
		await().atMost(WAIT).untilAsserted(() -> assertThat(chat(bobInbox)).singleElement().satisfies((message) -> {
			assertThat(message.payload().get("text").stringValue()).isEqualTo("Hello");
			assertThat(message.payload().get("user_id").stringValue()).isEqualTo("alice");
			assertThat(message.originClientId()).isEqualTo(alice.clientId());
			assertThat(message.originIdempotencyKey()).isEqualTo(handle.idempotencyKey());
			assertThat(message.timestamp()).isNotNull();
		}));
		// the sender is a member of the room too: its own message comes back
		await().atMost(WAIT).untilAsserted(() -> assertThat(chat(aliceInbox)).hasSize(1));
		assertThat(alice.pendingCount()).isZero();
	}

	@Test
	void eventWithoutRoomGoesToTheSendersOwnStreamOnly() throws Exception {
		DefaultRealtimeClient carol = connected("carol", "carol-token");
		DefaultRealtimeClient dave = connected("dave", "dave-token");
		List<InboundMessage> carolInbox = TestClients.inbox(carol);
		List<InboundMessage> daveInbox = TestClients.inbox(dave);
		join(carol, "carol", "general");
		carol.sendEvent("note.saved", Map.of("text", "private")).acknowledged().get(WAIT.toSeconds(), TimeUnit.SECONDS);
		dave.sendEvent("chat.message", Map.of("text", "marker", "room", "general"))
			.acknowledged()
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(daveInbox).extracting(InboundMessage::event)
				.contains("chat.message")
				.doesNotContain("note.saved"));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(carolInbox).extracting(InboundMessage::event)
				.contains("note.saved", "chat.message"));
	}

	@Test
	void payloadTooLargeIsRejectedWithItsSeqAndLaterEventsStillFlow() throws Exception {
		DefaultRealtimeClient alice = connected("alice", "alice-token");
		SendHandle tooLarge = alice.sendEvent("chat.message", Map.of("text", "x".repeat(70 * 1024)));
		SendHandle fine = alice.sendEvent("chat.message", Map.of("text", "small"));

		assertThatThrownBy(() -> tooLarge.acknowledged().join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(EventRejectedException.class,
					(ex) -> assertThat(ex.getCode()).isEqualTo("payload_too_large"));
		assertThat(fine.acknowledged().get(WAIT.toSeconds(), TimeUnit.SECONDS).seq()).isNotNull();
		assertThat(this.hub.acceptedEvents(alice.clientId())).extracting(AcceptedEvent::idempotencyKey)
			.containsExactly(fine.idempotencyKey());
		await().atMost(WAIT).untilAsserted(() -> assertThat(alice.pendingCount()).isZero());
	}

	@Test
	void anEventToARoomTheUserMayNotJoinIsRejectedForGoodNotResent() throws Exception {
		DefaultRealtimeClient bob = connected("bob", "bob-token");
		SendHandle refused = bob.sendEvent("chat.message", Map.of("text", "let me in", "room", "closed-room"));

		assertThatThrownBy(() -> refused.acknowledged().join()).isInstanceOf(CompletionException.class)
			.cause()
			.isInstanceOfSatisfying(EventRejectedException.class, (ex) -> {
				assertThat(ex.getCode()).isEqualTo("forbidden");
				assertThat(ex.getMessage()).contains("closed-room");
			});
		await().atMost(WAIT).untilAsserted(() -> assertThat(bob.pendingCount()).isZero());
		assertThat(this.hub.roomMembers("closed-room")).isEmpty();
		assertThat(this.hub.acceptedEvents(bob.clientId())).isEmpty();
	}

	@Test
	void closedSessionsMakeTheClientReconnectAndResumeWithoutGapsOrDuplicates() throws Exception {
		DefaultRealtimeClient erin = client("erin", "erin-token",
				new ExponentialBackoff(Duration.ofMillis(300), Duration.ofMillis(600), 0.1));
		List<InboundMessage> inbox = TestClients.inbox(erin);
		TestClients.connect(erin, WAIT);
		this.hub.push("erin", "note.pushed", Map.of("n", 1));
		await().atMost(WAIT).until(() -> inbox.size() == 1);

		assertThat(this.hub.closeSessions("erin", CloseCodes.GOING_AWAY, "test restart")).isEqualTo(1);
		// pushed while the client is away: replayed by resume, in pages of 3
		for (int n = 2; n <= 8; n++) {
			this.hub.push("erin", "note.pushed", Map.of("n", n));
		}
		await().atMost(WAIT)
			.until(() -> erin.connectionState() == ConnectionState.CONNECTED
					&& this.hub.connectedUsers().contains("erin"));
		this.hub.push("erin", "note.pushed", Map.of("n", 9));

		await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).hasSize(9));
		assertThat(inbox).extracting(InboundMessage::seq).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
		assertThat(inbox).extracting((message) -> message.payload().get("n").intValue())
			.containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9);
		assertThat(erin.metrics().reconnects()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void clientBehindTheRetentionWindowIsResetAndContinues() throws Exception {
		for (int n = 1; n <= 3; n++) {
			this.hub.push("frank", "note.pushed", Map.of("n", n));
		}
		this.clock.advance(Duration.ofDays(8));
		assertThat(this.hub.purgeExpired()).isGreaterThanOrEqualTo(3);
		this.hub.push("frank", "note.pushed", Map.of("n", 4));

		DefaultRealtimeClient frank = client("frank", "frank-token");
		List<SyncResetEvent> resets = new CopyOnWriteArrayList<>();
		frank.onSyncReset(resets::add);
		List<InboundMessage> inbox = TestClients.inbox(frank);
		TestClients.connect(frank, WAIT);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(resets).singleElement()
				.satisfies((reset) -> assertThat(reset.lastSeq()).isEqualTo(4)));

		this.hub.push("frank", "note.pushed", Map.of("n", 5));
		await().atMost(WAIT).untilAsserted(() -> assertThat(inbox).extracting(InboundMessage::seq).containsExactly(5L));
	}

	private static List<InboundMessage> chat(List<InboundMessage> inbox) {
		return inbox.stream().filter((message) -> message.event().equals("chat.message")).toList();
	}

	private void join(DefaultRealtimeClient client, String user, String room) {
		client.sendMeta(MetaFrame.ROOM_JOIN, Map.of("room", room));
		await().atMost(WAIT).until(() -> this.hub.roomMembers(room).contains(user));
	}

	private DefaultRealtimeClient connected(String user, String token) {
		DefaultRealtimeClient client = client(user, token);
		TestClients.connect(client, WAIT);
		return client;
	}

	private DefaultRealtimeClient client(String user, String token) {
		// reconnects after the hub's deliberate cuts are shortened so the test takes
		// seconds; the default backoff (1 s, 20 % jitter, up to 30 s) is proven by
		// ThunderingHerdTests and the delivery tests in dev.realtime.demo.delivery, which
		// run at the defaults
		return client(user, token, new ExponentialBackoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2));
	}

	private DefaultRealtimeClient client(String user, String token, ExponentialBackoff backoff) {
		ClientSettings settings = ClientSettings.builder(URI.create("ws://localhost:" + this.port + "/realtime"), user)
			.reconnect(backoff, -1)
			.build();
		DefaultRealtimeClient client = TestClients.create(settings, token);
		this.clients.add(client);
		return client;
	}

	private int handshakeStatus(String user, String token, String clientId, String protocol) {
		return RawHubConnection.handshakeStatus(this.port, user, token, clientId, protocol);
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class ClockConfiguration {

		@Bean
		MutableClock clock() {
			return new MutableClock(Instant.now());
		}

	}

}

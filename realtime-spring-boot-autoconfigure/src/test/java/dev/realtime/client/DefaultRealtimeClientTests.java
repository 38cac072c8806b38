package dev.realtime.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A real client against a real WebSocket server ({@link TestHub}).
 */
class DefaultRealtimeClientTests {

	private final FrameCodec codec = new FrameCodec();

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private final List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();

	private DefaultRealtimeClient connect(ClientSettings settings, String token) {
		DefaultRealtimeClient client = TestClients.create(settings, token);
		client.onConnectionStateChange(this.changes::add);
		return this.fixture.connect(client);
	}

	@Test
	void sendsEventAndCompletesHandleOnAck() throws Exception {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		List<Acknowledgement> acks = new CopyOnWriteArrayList<>();
		this.fixture.client().onAck(acks::add);

		SendHandle handle = this.fixture.client().sendEvent("chat.message", Map.of("room", "general", "text", "hi"));

		Acknowledgement ack = handle.acknowledged().get(5, TimeUnit.SECONDS);
		assertThat(ack.seq()).isEqualTo(1);
		assertThat(ack.idempotencyKey()).isEqualTo(handle.idempotencyKey());
		assertThat(acks).containsExactly(ack);
		EventFrame received = this.fixture.hub().received().get(0);
		assertThat(received.clientId()).isEqualTo(this.fixture.client().clientId());
		assertThat(received.idempotencyKey()).isEqualTo(handle.idempotencyKey());
		assertThat(received.payload().get("text").stringValue()).isEqualTo("hi");
		assertThat(this.fixture.client().pendingCount()).isZero();
		assertThat(this.changes).extracting(ConnectionStateChange::current)
			.containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
	}

	@Test
	void queuesWhileDisconnectedAndResendsInOrderAfterReconnect() throws Exception {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		this.fixture.hub().acking(false);
		List<SendHandle> first = IntStream.range(0, 5)
			.mapToObj((i) -> this.fixture.client().sendEvent("n", Map.of("i", i)))
			.toList();
		await().until(() -> this.fixture.hub().received().size() == 5);

		this.fixture.hub().acking(true);
		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");
		List<SendHandle> second = IntStream.range(5, 10)
			.mapToObj((i) -> this.fixture.client().sendEvent("n", Map.of("i", i)))
			.toList();

		for (SendHandle handle : concat(first, second)) {
			handle.acknowledged().get(10, TimeUnit.SECONDS);
		}
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::seq)
			.containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
		assertThat(this.fixture.hub().accepted()).extracting((event) -> event.payload().get("i").intValue())
			.containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
		assertThat(this.fixture.client().pendingCount()).isZero();
		assertThat(this.fixture.client().metrics().reconnects()).isEqualTo(1);
	}

	@Test
	void reconnectsWithBackoffWhenServerCloses() {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");

		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");

		await().until(() -> this.fixture.hub().handshakes() == 2
				&& this.fixture.client().connectionState() == ConnectionState.CONNECTED);
		assertThat(this.changes).extracting(ConnectionStateChange::current)
			.containsSubsequence(ConnectionState.CONNECTED, ConnectionState.RECONNECTING, ConnectionState.CONNECTED);
		assertThat(this.changes).filteredOn((change) -> change.current() == ConnectionState.RECONNECTING)
			.first()
			.satisfies((change) -> assertThat(change.reason()).contains("1001"));
	}

	@Test
	void normalCloseByServerReconnectsUnlessClientAskedForIt() {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		this.fixture.hub().closeAll(CloseCodes.NORMAL, "bye");
		await().until(() -> this.fixture.hub().handshakes() == 2
				&& this.fixture.client().connectionState() == ConnectionState.CONNECTED);

		this.fixture.client().disconnect();

		assertThat(this.fixture.client().connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		await().until(() -> this.fixture.hub().openConnections() == 0);
		assertThat(this.fixture.hub().handshakes()).isEqualTo(2);
	}

	@Test
	void detectsHeartbeatTimeoutWhenServerGoesSilent() {
		ClientSettings settings = TestClients.fastSettings(this.fixture.hub().uri(), "alice")
			.heartbeat(Duration.ofMillis(200), Duration.ofMillis(300))
			.build();
		connect(settings, "t");
		await().until(() -> this.fixture.hub().pings() >= 1);

		this.fixture.hub().silent(true);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.fixture.client().connectionState() == ConnectionState.RECONNECTING);
		assertThat(this.fixture.client().lastError()).contains("heartbeat timeout");

		this.fixture.hub().silent(false);
		await().until(() -> this.fixture.client().connectionState() == ConnectionState.CONNECTED);
	}

	@Test
	void forbiddenCloseFailsWithoutRetry() {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");

		this.fixture.hub().closeAll(CloseCodes.FORBIDDEN, "banned");

		await().until(() -> this.fixture.client().connectionState() == ConnectionState.FAILED);
		assertThat(this.fixture.client().lastError()).contains("4003").contains("banned");
		// nothing left that could retry: the reconnect task is never scheduled on FAILED
		assertThat(this.changes).extracting(ConnectionStateChange::current)
			.doesNotContain(ConnectionState.RECONNECTING);
		assertThat(this.fixture.hub().handshakes()).isEqualTo(1);
	}

	@Test
	void rejectedTokenFailsAfterMaxAuthFailures() {
		this.fixture.hub().requireToken("good");
		this.fixture.use(TestClients
			.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").maxAuthFailures(2).build(), "bad"));
		this.fixture.client().onConnectionStateChange(this.changes::add);

		this.fixture.client().connect();

		await().until(() -> this.fixture.client().connectionState() == ConnectionState.FAILED);
		assertThat(this.fixture.client().lastError()).contains("HTTP 401").contains("realtime.auth.max-failures");
		assertThat(this.fixture.hub().handshakes()).isZero();
	}

	@Test
	void giveUpAfterMaxRetries() {
		ClientSettings settings = TestClients.fastSettings(this.fixture.hub().uri(), "alice")
			.reconnect(new ExponentialBackoff(Duration.ofMillis(10), Duration.ofMillis(20), 0), 2)
			.build();
		connect(settings, "t");
		this.fixture.hub().close();

		await().until(() -> this.fixture.client().connectionState() == ConnectionState.FAILED);
		assertThat(this.fixture.client().lastError()).contains("gave up after 2 reconnect attempts");
	}

	@Test
	void batchesEventsIntoArrayFramesAckedCumulatively() throws Exception {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").batchSize(50).build(), "t");
		List<SendHandle> handles = IntStream.range(0, 120)
			.mapToObj((i) -> this.fixture.client().sendEvent("n", Map.of("i", i)))
			.toList();

		for (SendHandle handle : handles) {
			handle.acknowledged().get(10, TimeUnit.SECONDS);
		}
		assertThat(this.fixture.hub().accepted()).hasSize(120);
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::seq).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void atMostOnceIsDroppedWhenNotConnected() {
		this.fixture.use(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));

		SendHandle handle = this.fixture.client()
			.sendEvent("cursor.move", Map.of("x", 1), SendOptions.with(DeliveryStrategy.AT_MOST_ONCE));

		assertThat(handle.acknowledged()).failsWithin(Duration.ofSeconds(5))
			.withThrowableThat()
			.havingCause()
			.isInstanceOf(EventRejectedException.class)
			.withMessageContaining("not_connected");
		assertThat(this.fixture.client().pendingCount()).isZero();
	}

	@Test
	void atMostOnceIsSentWithoutSeqWhenConnected() throws Exception {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");

		this.fixture.client()
			.sendEvent("cursor.move", Map.of("x", 1), SendOptions.with(DeliveryStrategy.AT_MOST_ONCE))
			.acknowledged()
			.get(5, TimeUnit.SECONDS);

		await().until(() -> this.fixture.hub().received().size() == 1);
		assertThat(this.fixture.hub().received().get(0).seq()).isNull();
	}

	@Test
	void deduplicatesInboundAndResumesOnGap() {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		List<InboundMessage> delivered = new CopyOnWriteArrayList<>();
		this.fixture.client().onMessage(delivered::add);
		EventFrame one = this.fixture.hub().store("alice", "chat.message", Map.of("n", 1));
		EventFrame two = this.fixture.hub().store("alice", "chat.message", Map.of("n", 2));
		EventFrame three = this.fixture.hub().store("alice", "chat.message", Map.of("n", 3));

		// one, a duplicate of one, then three before two: the gap makes the client resume
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(one, one)));
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(three)));

		await().until(() -> delivered.size() == 3);
		assertThat(delivered).extracting(InboundMessage::seq).containsExactly(1L, 2L, 3L);
		assertThat(delivered).extracting((message) -> message.payload().get("n").intValue()).containsExactly(1, 2, 3);
		assertThat(this.fixture.client().metrics().duplicatesDropped()).isGreaterThanOrEqualTo(1);
		assertThat(this.fixture.client().metrics().messagesReceived()).isEqualTo(3);
		assertThat(two.seq()).isEqualTo(2);
	}

	@Test
	void malformedFramesAreCountedAndDoNotBreakTheConnection() throws Exception {
		connect(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");

		this.fixture.hub().sendRaw("{not json");
		this.fixture.hub().sendRaw("{\"type\":\"teleport\"}");
		this.fixture.hub().sendRaw(this.codec.encode(new AckFrame(0)));

		await().until(() -> this.fixture.client().metrics().invalidFrames() == 2);
		assertThat(this.fixture.client().sendEvent("x", null).acknowledged().get(5, TimeUnit.SECONDS).seq())
			.isEqualTo(1);
		assertThat(this.fixture.hub().handshakes()).isEqualTo(1);
	}

	@Test
	void blankEventNameIsRejected() {
		this.fixture.use(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		assertThatThrownBy(() -> this.fixture.client().sendEvent(" ", null))
			.isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("Event name must not be blank");
	}

	@Test
	void eventNamesAndIdempotencyKeysThatBreakTheProtocolAreRejectedBeforeAnythingIsStored() {
		this.fixture.use(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		for (String name : new String[] { "chat message", ".hidden", "x".repeat(201), "naïve", "a\u0000b" }) {
			assertThatThrownBy(() -> this.fixture.client().sendEvent(name, null))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("is not valid: use 1 to 200 characters of letters, digits and . _ : / -");
		}
		for (String key : new String[] { "", "k".repeat(201), "a\u0000b" }) {
			assertThatThrownBy(
					() -> this.fixture.client().sendEvent("n", null, SendOptions.defaults().idempotencyKey(key)))
				.isInstanceOf(IllegalArgumentException.class)
				.hasMessageContaining("Idempotency key of event 'n' is not valid");
		}
		assertThat(this.fixture.client().pendingCount()).isZero();
		assertThat(this.fixture.client()
			.sendEvent("a/b:c_d-e.f" + "x".repeat(189), null, SendOptions.defaults().idempotencyKey("k".repeat(200)))
			.idempotencyKey()).hasSize(200);
	}

	@Test
	void fullQueueFailsFast() {
		this.fixture.use(new DefaultRealtimeClient(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(),
				new WebSocketTransport(1 << 20, Duration.ofSeconds(5), Runnable::run),
				new dev.realtime.auth.StaticTokenProvider(null), new InMemoryOutboundQueue(2),
				new InMemoryInboundStore(), this.codec, java.time.Clock.systemUTC()));
		this.fixture.client().sendEvent("a", null);
		this.fixture.client().sendEvent("b", null);

		assertThatThrownBy(() -> this.fixture.client().sendEvent("c", null))
			.isInstanceOf(OutboundQueueFullException.class)
			.hasMessageContaining("limit is 2");
		assertThat(this.fixture.client().pendingCount()).isEqualTo(2);
	}

	private static <T> List<T> concat(List<T> first, List<T> second) {
		return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
	}

}

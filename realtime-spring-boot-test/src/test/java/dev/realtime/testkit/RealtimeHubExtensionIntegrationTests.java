package dev.realtime.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import dev.realtime.hub.RawHubConnection;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * The kit without a Spring context, driven by raw protocol connections: what the tester
 * records and the faults of the handshake and of the frames' path.
 */
@ExtendWith(RealtimeHubExtension.class)
class RealtimeHubExtensionIntegrationTests {

	@Test
	void recordsEachAcceptedEventOnceWithHowOftenItArrived(RealtimeHubTester hub) throws Exception {
		try (RawHubConnection connection = open(hub, "ann", "ann-1")) {
			connection.send(event(1, "k1"), event(2, "k2"));
			assertThat(connection.next(AckFrame.class).ackSeq()).isEqualTo(2);
			connection.send(event(2, "k2"));
			assertThat(connection.next(AckFrame.class).ackSeq()).isEqualTo(2);
		}
		assertThat(hub.received("ann")).extracting(ReceivedEvent::idempotencyKey, ReceivedEvent::timesSent)
			.containsExactly(tuple("k1", 1), tuple("k2", 2));
		assertThat(hub.resends("ann")).isEqualTo(1);
	}

	@Test
	void startsEachTestWithoutTheFaultsAndRecordsOfThePreviousOne(RealtimeHubTester hub) {
		assertThat(hub.received("ann")).isEmpty();
		assertThat(RawHubConnection.handshakeStatus(hub.url().getPort(), "ann", hub.tokenFor("ann"), "ann-2", "1"))
			.isEqualTo(101);
	}

	@Test
	void refusesTheNextHandshakesWithTheStatusAsked(RealtimeHubTester hub) {
		hub.refuseHandshakes(2, 503);
		int port = hub.url().getPort();
		assertThat(RawHubConnection.handshakeStatus(port, "bo", hub.tokenFor("bo"), "bo-1", "1")).isEqualTo(503);
		assertThat(RawHubConnection.handshakeStatus(port, "bo", hub.tokenFor("bo"), "bo-1", "1")).isEqualTo(503);
		assertThat(RawHubConnection.handshakeStatus(port, "bo", hub.tokenFor("bo"), "bo-1", "1")).isEqualTo(101);
		assertThat(RawHubConnection.handshakeStatus(port, "bo", "forged", "bo-1", "1")).isEqualTo(401);
	}

	@Test
	void rejectsTheEventAskedWithItsCodeAndAcksPastIt(RealtimeHubTester hub) throws Exception {
		hub.rejectEvent("bad", ErrorFrame.INVALID_EVENT);
		try (RawHubConnection connection = open(hub, "cy", "cy-1")) {
			connection.send(event(1, "bad"), event(2, "good"));
			ErrorFrame error = connection.next(ErrorFrame.class);
			assertThat(error.code()).isEqualTo(ErrorFrame.INVALID_EVENT);
			assertThat(error.seq()).isEqualTo(1);
			assertThat(connection.next(AckFrame.class).ackSeq()).isEqualTo(2);
		}
		assertThat(hub.received("cy")).extracting(ReceivedEvent::idempotencyKey).containsExactly("good");
	}

	@Test
	void dropsTheConnectionThatCarriesEveryNthEvent(RealtimeHubTester hub) throws Exception {
		hub.dropEvery(3);
		try (RawHubConnection connection = open(hub, "di", "di-1")) {
			connection.send(event(1, "d1"));
			connection.send(event(2, "d2"));
			connection.send(event(3, "d3"));
			// the hub closes with 1001; the client sees that, or 1006 when the end of the
			// TCP connection overtakes the close frame: a drop either way
			assertThat(connection.awaitClose().getCode()).isIn(1001, 1006);
		}
		await().until(() -> hub.closeCodes("di"), List.of(1001)::equals);
	}

	@Test
	void restartsKeepingOrLosingItsStore(RealtimeHubTester hub) throws Exception {
		try (RawHubConnection connection = open(hub, "ed", "ed-1")) {
			connection.send(event(1, "e1"));
			assertThat(connection.next(AckFrame.class).ackSeq()).isEqualTo(1);
		}
		hub.push("ed", "note", Map.of("n", 1));
		hub.restart(true);
		assertThat(resume(hub, "ed", "ed-1").ackSeq()).isEqualTo(1);
		hub.restart(false);
		ResumeResponseFrame lost = resume(hub, "ed", "ed-1");
		assertThat(lost.ackSeq()).isZero();
		assertThat(lost.lastSeq()).isZero();
	}

	@Test
	void expiresTokensNowOrALifetimeAfterTheHandshake(RealtimeHubTester hub) throws Exception {
		try (RawHubConnection connection = open(hub, "fay", "fay-1")) {
			await().until(() -> hub.isConnected("fay"));
			hub.expireTokens();
			assertThat(connection.awaitClose().getCode()).isEqualTo(4001);
		}
		// the hub's own expiry timer closes the session
		hub.tokenLifetime(Duration.ofMillis(200));
		try (RawHubConnection connection = open(hub, "fay", "fay-1")) {
			assertThat(connection.awaitClose().getCode()).isEqualTo(4001);
		}
		// the hub records a close once its side of the connection is done with it
		await().until(() -> hub.closeCodes("fay"), List.of(4001, 4001)::equals);
	}

	@Test
	void recordsWhatWasSentToARoomAndPushesToItsMembers(RealtimeHubTester hub) throws Exception {
		try (RawHubConnection connection = open(hub, "gus", "gus-1")) {
			// the hub delivers to a session once it resumed
			connection.send(new ResumeFrame("gus-1", 0));
			connection.next(ResumeResponseFrame.class);
			ObjectNode payload = JsonNodeFactory.instance.objectNode().put("room", "lobby").put("text", "hi");
			connection.send(new EventFrame(1L, null, "g1", "chat.message", payload, null));
			assertThat(hub.awaitReceived("gus", 1)).hasSize(1);
			assertThat(hub.receivedInRoom("lobby")).extracting(ReceivedEvent::idempotencyKey).containsExactly("g1");
			assertThat(hub.receivedInRoom("kitchen")).isEmpty();
			assertThat(hub.pushToRoom("lobby", "room.note", Map.of("n", 1))).isEqualTo(1);
			List<String> events = new ArrayList<>();
			await().until(() -> {
				String text = connection.nextText();
				events.add(text);
				return text.contains("room.note");
			});
			assertThat(events).anySatisfy((text) -> assertThat(text).contains("\"ack_seq\":1"));
		}
	}

	private static ResumeResponseFrame resume(RealtimeHubTester hub, String user, String clientId) throws Exception {
		try (RawHubConnection connection = open(hub, user, clientId)) {
			connection.send(new ResumeFrame(clientId, 0));
			return connection.next(ResumeResponseFrame.class);
		}
	}

	private static RawHubConnection open(RealtimeHubTester hub, String user, String clientId) throws Exception {
		return RawHubConnection.open(hub.url().getPort(), user, clientId, hub.tokenFor(user));
	}

	private static EventFrame event(long seq, String key) {
		return new EventFrame(seq, null, key, "kit.event", JsonNodeFactory.instance.objectNode(), null);
	}

}

package dev.realtime.hub;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rooms belong to their members: a room's events, receipts, typing and presence reach its
 * members only, and a join the application's {@link RoomAuthorizer} refuses (an explicit
 * {@code room.join} or an implicit one) is answered with {@code forbidden} and changes
 * nothing. The hub runs on PostgreSQL with an authorizer of the test's own, which
 * replaces the default one: {@code vault} is alice's and bob's, {@code lobby} anyone's.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.hub.tokens.carol-token=carol", "realtime.hub.tokens.dave-token=dave" })
class RoomMembershipIntegrationTests extends PostgresSchemaSupport {

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Test
	void aUserWhoIsNotAMemberReceivesNothingOfARoom() throws Exception {
		try (RawHubConnection alice = connect("alice");
				RawHubConnection bob = connect("bob");
				RawHubConnection carol = connect("carol")) {
			// carol is a member of another room only
			carol.send(meta(MetaFrame.ROOM_JOIN, "{\"room\":\"lobby\"}"));
			alice.send(meta(MetaFrame.ROOM_JOIN, "{\"room\":\"vault\"}"));
			bob.send(meta(MetaFrame.ROOM_JOIN, "{\"room\":\"vault\"}"));
			awaitMembers("vault", "alice", "bob");
			alice.send(meta(MetaFrame.TYPING_START, "{\"channel_id\":\"vault\"}"));
			assertThat(bob.next(MetaFrame.class).event()).isEqualTo(MetaFrame.TYPING_START);
			alice.send("{\"type\":\"event\",\"seq\":1,\"idempotency_key\":\"v1\",\"event\":\"chat.message\","
					+ "\"payload\":{\"room\":\"vault\",\"text\":\"for members\"}}");
			assertThat(alice.next(AckFrame.class).ackSeq()).isEqualTo(1);
			EventFrame received = bob.next(EventFrame.class);
			assertThat(received.payload().path("text").stringValue()).isEqualTo("for members");
			assertThat(received.payload().path("user_id").stringValue()).isEqualTo("alice");
			alice.send("{\"type\":\"event\",\"seq\":2,\"idempotency_key\":\"r1\",\"event\":\"receipt.read\","
					+ "\"payload\":{\"message_id\":\"m-1\",\"channel_id\":\"vault\"}}");
			assertThat(alice.next(EventFrame.class).seq()).isEqualTo(1);
			assertThat(alice.next(AckFrame.class).ackSeq()).isEqualTo(2);
			assertThat(bob.next(EventFrame.class).event()).isEqualTo(EventFrame.RECEIPT_READ);

			// what carol gets next is the hub's push after all of that: nothing of the
			// vault came before it
			this.hub.push("carol", "note.pushed", Map.of("marker", true));
			EventFrame first = carol.next(EventFrame.class);
			assertThat(first.event()).isEqualTo("note.pushed");
			assertThat(first.seq()).isEqualTo(1);
			assertThat(this.hub.roomMembers("vault")).containsExactlyInAnyOrder("alice", "bob");
		}
	}

	@Test
	void joinsTheAuthorizerRefusesAreAnsweredWithForbiddenAndChangeNothing() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection dave = RawHubConnection.open(this.port, "dave", clientId, "dave-token")) {
			dave.send(new ResumeFrame(clientId, 0));
			dave.next(ResumeResponseFrame.class);
			dave.send(meta(MetaFrame.ROOM_JOIN, "{\"room\":\"vault\"}"));
			assertForbidden(dave.next(ErrorFrame.class), null);
			dave.send(meta(MetaFrame.TYPING_START, "{\"channel_id\":\"vault\"}"));
			assertForbidden(dave.next(ErrorFrame.class), null);
			// an event that would join the room is rejected for good, so the client does
			// not resend it; the ack covers it
			dave.send("[{\"type\":\"event\",\"seq\":1,\"idempotency_key\":\"d1\",\"event\":\"chat.message\","
					+ "\"payload\":{\"room\":\"vault\",\"text\":\"let me in\"}},"
					+ "{\"type\":\"event\",\"seq\":2,\"idempotency_key\":\"d2\",\"event\":\"receipt.read\","
					+ "\"payload\":{\"message_id\":\"m-1\",\"channel_id\":\"vault\"}}]");
			assertForbidden(dave.next(ErrorFrame.class), 1L);
			assertForbidden(dave.next(ErrorFrame.class), 2L);
			assertThat(dave.next(AckFrame.class).ackSeq()).isEqualTo(2);
			// a refused join is no bad frame: the connection stays open and answers
			dave.send(meta(MetaFrame.PING, "null"));
			assertThat(dave.next(MetaFrame.class).event()).isEqualTo(MetaFrame.PONG);
		}
		assertThat(this.hub.roomMembers("vault")).doesNotContain("dave");
		assertThat(this.hub.acceptedEvents(clientId)).isEmpty();
	}

	private static void assertForbidden(ErrorFrame error, @Nullable Long seq) {
		assertThat(error.code()).isEqualTo(ErrorFrame.FORBIDDEN);
		assertThat(error.message()).contains("'vault'");
		assertThat(error.seq()).isEqualTo(seq);
	}

	private void awaitMembers(String room, String... users) {
		await().until(() -> this.hub.roomMembers(room).containsAll(List.of(users)));
	}

	private RawHubConnection connect(String user) throws Exception {
		String clientId = UUID.randomUUID().toString();
		RawHubConnection connection = RawHubConnection.open(this.port, user, clientId, user + "-token");
		connection.send(new ResumeFrame(clientId, 0));
		connection.next(ResumeResponseFrame.class);
		return connection;
	}

	private static String meta(String event, String payload) {
		return "{\"type\":\"meta\",\"event\":\"" + event + "\",\"payload\":" + payload + "}";
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class MembersOnly {

		@Bean
		RoomAuthorizer roomAuthorizer() {
			return (userId, room) -> room.equals("lobby")
					|| (room.equals("vault") && !userId.equals("dave") && !userId.equals("carol"));
		}

	}

}

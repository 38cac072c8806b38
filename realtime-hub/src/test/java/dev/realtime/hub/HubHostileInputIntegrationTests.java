package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hostile client at the reference hub, over a raw WebSocket connection: every class of
 * bad frame is answered as the protocol says ({@code error} without a seq for a bad
 * frame, with the seq for a rejected event, which still counts toward the ack) and
 * nothing bad is stored or fanned out. A second connection of the same user watches the
 * user's stream: it must see exactly the valid events, in order. The limit of bad frames
 * per connection is raised so one connection can send them all (closing at the limit is
 * covered by {@link HubProtocolIntegrationTests}), and every room is open: these tests
 * are about ids and frames, not about who may join
 * ({@link RoomMembershipIntegrationTests}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.mallory-token=mallory",
				"realtime.hub.tokens.trudy-token=trudy", "realtime.hub.max-bad-frames=1000",
				"realtime.hub.rooms.open=*" })
class HubHostileInputIntegrationTests extends PostgresSchemaSupport {

	/**
	 * Nine bytes in four characters, 62,991 bytes: within the payload limit of 64 KiB.
	 */
	private static final String MULTIBYTE_TEXT = "\u00E9\u20AC\uD83D\uDE00".repeat(6999);

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Test
	void badFramesGetErrorsAndAreNeitherStoredNorFannedOut() throws Exception {
		String clientId = UUID.randomUUID().toString();
		String watcherId = UUID.randomUUID().toString();
		try (RawHubConnection mallory = RawHubConnection.open(this.port, "mallory", clientId, "mallory-token");
				RawHubConnection watcher = RawHubConnection.open(this.port, "mallory", watcherId, "mallory-token")) {
			watcher.send(new ResumeFrame(watcherId, 0));
			watcher.next(ResumeResponseFrame.class);

			// not a frame at all
			expectFrameError(mallory, "not json", "not valid JSON");
			expectFrameError(mallory, "{\"type\":\"event\",\"seq\":1,\"event\":\"note.saved\"", "not valid JSON");
			expectFrameError(mallory, "", "empty");
			expectFrameError(mallory, "{\"type\":\"event\",\"seq\":1,\"event\":\"note.saved\",\"payload\":"
					+ "[".repeat(2000) + "]".repeat(2000) + "}", "not valid JSON");
			expectFrameError(mallory, "42", "JSON object");
			// unknown and flipped types
			expectFrameError(mallory, "{\"type\":\"teleport\",\"seq\":1}", "Unknown frame type");
			expectFrameError(mallory, "{\"type\":7}", "'type'");
			expectFrameError(mallory, "{\"seq\":1,\"event\":\"note.saved\"}", "'type'");
			expectFrameError(mallory, "{\"type\":\"resume_response\",\"ack_seq\":0}", "may not send");
			expectFrameError(mallory, "{\"type\":\"error\",\"code\":\"x\",\"seq\":1}", "may not send");
			// bad seqs: negative, beyond a long, not an integer, a string: no usable seq
			// to reject
			expectFrameError(mallory, event("-1", "k"), "'seq'");
			expectFrameError(mallory, event("9223372036854775808", "k"), "'seq'");
			expectFrameError(mallory, event("1.5", "k"), "'seq'");
			expectFrameError(mallory, event("\"1\"", "k"), "'seq'");
			expectFrameError(mallory, event("1e400", "k"), "'seq'");
			expectFrameError(mallory, "{\"type\":\"ack\",\"ack_seq\":-3}", "'ack_seq'");
			expectFrameError(mallory,
					"{\"type\":\"resume\",\"client_id\":\"" + UUID.randomUUID() + "\",\"last_ack_seq\":0}",
					"another client_id");
			// wrong field types with a usable seq: that event is rejected for good and
			// acked
			expectEventError(mallory, "{\"type\":\"event\",\"seq\":1,\"event\":5,\"payload\":{}}", 1,
					ErrorFrame.INVALID_EVENT);
			expectEventError(mallory, "{\"type\":\"event\",\"seq\":2,\"event\":\"bad name!\",\"payload\":{}}", 2,
					ErrorFrame.INVALID_EVENT);
			expectEventError(mallory,
					"{\"type\":\"event\",\"seq\":3,\"client_id\":\"someone-else\",\"event\":\"note.saved\"}", 3,
					ErrorFrame.INVALID_EVENT);
			expectEventError(mallory,
					"{\"type\":\"event\",\"seq\":4,\"event\":\"note.saved\",\"timestamp\":\"yesterday\"}", 4,
					ErrorFrame.INVALID_EVENT);
			expectEventError(mallory, "{\"type\":\"event\",\"seq\":5,\"event\":\"note.saved\",\"idempotency_key\":[1]}",
					5, ErrorFrame.INVALID_EVENT);
			// a batch: its bad elements are answered, its good ones processed in order
			mallory.send("[" + event("6", "k6")
					+ ",42,{\"type\":\"event\",\"seq\":\"x\"},{\"type\":\"meta\",\"event\":\"ping\"},"
					+ "{\"type\":\"event\",\"seq\":7,\"event\":\"note.saved\",\"payload\":{\"n\":-1e999,\"d\":0.10000000000000000001}}]");
			assertThat(replies(mallory, 4)).satisfiesExactly(
					(frame) -> assertThat(((ErrorFrame) frame).message()).startsWith("Batch element 1"),
					(frame) -> assertThat(((ErrorFrame) frame).message()).startsWith("Batch element 2"),
					(frame) -> assertThat(((MetaFrame) frame).event()).isEqualTo(MetaFrame.PONG),
					(frame) -> assertThat(((AckFrame) frame).ackSeq()).isEqualTo(7));
			// signals with wrong payload types are ignored, a room.join without a room is
			// answered; the session goes on
			mallory.send("[{\"type\":\"meta\",\"event\":\"typing.start\",\"payload\":{\"channel_id\":5}},"
					+ "{\"type\":\"meta\",\"event\":\"presence.update\",\"payload\":{\"status\":[],\"metadata\":\"x\"}},"
					+ "{\"type\":\"meta\",\"event\":\"room.join\",\"payload\":7},{\"type\":\"meta\",\"event\":\"ping\"}]");
			ErrorFrame noRoom = mallory.next(ErrorFrame.class);
			assertThat(noRoom.code()).isEqualTo(ErrorFrame.INVALID_FRAME);
			assertThat(noRoom.message()).contains("room.join needs a room");
			assertThat(mallory.next(MetaFrame.class).event()).isEqualTo(MetaFrame.PONG);

			mallory.send(event("8", "k8"));
			assertThat(mallory.next(AckFrame.class).ackSeq()).isEqualTo(8);
			// the watcher sees the three valid events and nothing else, numbers exactly
			// as sent
			EventFrame sixth = watcher.next(EventFrame.class);
			EventFrame seventh = watcher.next(EventFrame.class);
			EventFrame eighth = watcher.next(EventFrame.class);
			assertThat(List.of(sixth.seq(), seventh.seq(), eighth.seq())).containsExactly(1L, 2L, 3L);
			assertThat(List.of(sixth.idempotencyKey(), eighth.idempotencyKey())).containsExactly("k6", "k8");
			assertThat(seventh.payload().get("n").decimalValue()).isEqualByComparingTo("-1e999");
			assertThat(seventh.payload().get("d").decimalValue()).isEqualByComparingTo("0.10000000000000000001");
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq).containsExactly(6L, 7L, 8L);
	}

	@Test
	void receiptsWhoseIdsNoReceiverCouldKeepAreRejected() throws Exception {
		String clientId = UUID.randomUUID().toString();
		String longest = "m".repeat(ChannelFields.MAX_ID_LENGTH);
		try (RawHubConnection mallory = RawHubConnection.open(this.port, "mallory", clientId, "mallory-token")) {
			expectEventError(mallory, receipt(1, longest + "m", "general"), 1, ErrorFrame.INVALID_EVENT);
			expectEventError(mallory, receipt(2, "m-2", "gen\\u0000eral"), 2, ErrorFrame.INVALID_EVENT);
			expectEventError(mallory, receipt(3, "m-3", ""), 3, ErrorFrame.INVALID_EVENT);
			mallory.send(receipt(4, longest, longest));
			assertThat(mallory.next(AckFrame.class).ackSeq()).isEqualTo(4);
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq).containsExactly(4L);
	}

	private static String receipt(long seq, String messageId, String channelId) {
		return "{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"r" + seq
				+ "\",\"event\":\"receipt.read\",\"payload\":{\"message_id\":\"" + messageId + "\",\"channel_id\":\""
				+ channelId + "\"}}";
	}

	@Test
	void anUndecodableEventInABatchIsRejectedWithItsSeqWhereItStands() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection mallory = RawHubConnection.open(this.port, "mallory", clientId, "mallory-token")) {
			mallory.send("[" + event("1", "k1") + ",{\"type\":\"event\",\"seq\":2,\"event\":\" \"},"
					+ "{\"type\":\"meta\",\"event\":\"ping\"}," + event("3", "k3") + "]");
			assertThat(replies(mallory, 3)).satisfiesExactly((frame) -> {
				ErrorFrame error = (ErrorFrame) frame;
				assertThat(error.code()).isEqualTo(ErrorFrame.INVALID_EVENT);
				assertThat(error.seq()).isEqualTo(2);
				assertThat(error.message()).isEqualTo("Batch element 1: Field 'event' must not be blank");
			}, (frame) -> assertThat(((MetaFrame) frame).event()).isEqualTo(MetaFrame.PONG),
					(frame) -> assertThat(((AckFrame) frame).ackSeq()).isEqualTo(3));
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq).containsExactly(1L, 3L);
	}

	@Test
	void aMessageAboveTheFrameLimitClosesTheConnectionAndStoresNothing() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection mallory = RawHubConnection.open(this.port, "mallory", clientId, "mallory-token")) {
			String text = "{\"type\":\"event\",\"seq\":1,\"event\":\"note.saved\",\"payload\":{\"text\":\""
					+ "x".repeat(1024 * 1024) + "\"}}";
			mallory.send(text);
			assertThat(mallory.awaitClose().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
		assertThat(this.hub.acceptedEvents(clientId)).isEmpty();
		try (RawHubConnection mallory = RawHubConnection.open(this.port, "mallory", clientId, "mallory-token")) {
			mallory.send(new ResumeFrame(clientId, 0));
			assertThat(mallory.next(ResumeResponseFrame.class).ackSeq()).isZero();
		}
	}

	@Test
	void aMessageOfManyContainerPartsIsJoinedUpToTheFrameLimitInUtf8Bytes() throws Exception {
		// the container hands the hub a long message in parts of its small buffer: a
		// batch
		// of exactly 1 MiB, most of it two-, three- and four-byte characters, is accepted
		// whole; one byte more closes with 1009 and stores nothing
		// a user of its own: a resume of this user's stream would page these events
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection trudy = RawHubConnection.open(this.port, "trudy", clientId, "trudy-token")) {
			trudy.send(new ResumeFrame(clientId, 0));
			trudy.next(ResumeResponseFrame.class);
			trudy.send(batchOfBytes(1024 * 1024));
			assertThat(trudy.next(AckFrame.class).ackSeq()).isEqualTo(17);
		}
		assertThat(this.hub.acceptedEvents(clientId)).hasSize(17)
			.first()
			.satisfies((event) -> assertThat(event.payload().get("text").stringValue()).isEqualTo(MULTIBYTE_TEXT));
		String overId = UUID.randomUUID().toString();
		try (RawHubConnection mallory = RawHubConnection.open(this.port, "mallory", overId, "mallory-token")) {
			mallory.send(new ResumeFrame(overId, 0));
			mallory.next(ResumeResponseFrame.class);
			mallory.send(batchOfBytes(1024 * 1024 + 1));
			assertThat(mallory.awaitClose().getCode()).isEqualTo(CloseStatus.TOO_BIG_TO_PROCESS.getCode());
		}
		assertThat(this.hub.acceptedEvents(overId)).isEmpty();
	}

	/**
	 * A batch of 17 events: 16 with {@link #MULTIBYTE_TEXT}, and one of ASCII that makes
	 * the batch the given number of UTF-8 bytes.
	 */
	private static String batchOfBytes(int bytes) {
		StringBuilder batch = new StringBuilder("[");
		for (int seq = 1; seq <= 16; seq++) {
			batch.append(event(seq, MULTIBYTE_TEXT)).append(',');
		}
		int rest = bytes - utf8Length(batch + event(17, "") + "]");
		return batch.append(event(17, "x".repeat(rest))).append(']').toString();
	}

	private static String event(int seq, String text) {
		return "{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"big" + seq
				+ "\",\"event\":\"note.saved\",\"payload\":{\"text\":\"" + text + "\"}}";
	}

	private static int utf8Length(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	private static String event(String seq, String key) {
		return "{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"" + key
				+ "\",\"event\":\"note.saved\",\"payload\":{\"text\":\"hi\"}}";
	}

	private static void expectFrameError(RawHubConnection connection, String text, String problem) throws Exception {
		connection.send(text);
		ErrorFrame error = connection.next(ErrorFrame.class);
		assertThat(error.code()).as(text).isEqualTo("invalid_frame");
		assertThat(error.seq()).as(text).isNull();
		assertThat(error.message()).as(text).contains(problem);
	}

	private static void expectEventError(RawHubConnection connection, String text, long seq, String code)
			throws Exception {
		connection.send(text);
		ErrorFrame error = connection.next(ErrorFrame.class);
		assertThat(error.code()).as(text).isEqualTo(code);
		assertThat(error.seq()).as(text).isEqualTo(seq);
		assertThat(connection.next(AckFrame.class).ackSeq()).as(text).isEqualTo(seq);
	}

	private static List<Frame> replies(RawHubConnection connection, int count) throws Exception {
		List<Frame> frames = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			frames.add(connection.next(Frame.class));
		}
		return frames;
	}

}

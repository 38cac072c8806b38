package dev.realtime.hub;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The hub on PostgreSQL, driven frame by frame over a plain WebSocket connection.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.gina-token=gina",
				"realtime.hub.tokens.hank-token=hank", "realtime.hub.tokens.ivan-token=ivan",
				"realtime.hub.tokens.judy-token=judy", "realtime.hub.tokens.kim-token=kim",
				"realtime.hub.resume-page-size=3", "realtime.hub.max-bad-frames=3" })
class HubProtocolIntegrationTests extends PostgresSchemaSupport {

	private final FrameCodec codec = new FrameCodec();

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Test
	void duplicatesBySeqAndByIdempotencyKeyAreStoredOnceAndAckedAgain() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection gina = RawHubConnection.open(this.port, "gina", clientId, "gina-token")) {
			gina.send(new ResumeFrame(clientId, 0));
			assertThat(gina.next(ResumeResponseFrame.class).ackSeq()).isZero();

			gina.send(event(1, clientId, "k1", "first"));
			assertThat(gina.next(AckFrame.class).ackSeq()).isEqualTo(1);
			assertThat(gina.next(EventFrame.class).seq()).isEqualTo(1);
			// the same event resent (same seq, same key): acked again, not stored twice
			gina.send(event(1, clientId, "k1", "first"));
			assertThat(gina.next(AckFrame.class).ackSeq()).isEqualTo(1);
			// the same key under a new seq: also a duplicate, but the ack moves on
			gina.send(event(2, clientId, "k1", "first again"));
			assertThat(gina.next(AckFrame.class).ackSeq()).isEqualTo(2);
			// a batch holding a duplicate pair: one store, one ack
			gina.send(event(3, clientId, "k3", "third"), event(3, clientId, "k3", "third"),
					event(4, clientId, "k4", "fourth"));
			assertThat(gina.next(AckFrame.class).ackSeq()).isEqualTo(4);
			assertThat(gina.next(EventFrame.class).seq()).isEqualTo(2);
			assertThat(gina.next(EventFrame.class).seq()).isEqualTo(3);
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq, AcceptedEvent::idempotencyKey)
			.containsExactly(tuple(1L, "k1"), tuple(3L, "k3"), tuple(4L, "k4"));

		// dedup is durable: a new connection learns what was accepted and a resend is
		// acked only
		try (RawHubConnection gina = RawHubConnection.open(this.port, "gina", clientId, "gina-token")) {
			gina.send(new ResumeFrame(clientId, 3));
			ResumeResponseFrame response = gina.next(ResumeResponseFrame.class);
			assertThat(response.ackSeq()).isEqualTo(4);
			assertThat(response.events()).isEmpty();
			gina.send(event(4, clientId, "k4", "fourth"));
			assertThat(gina.next(AckFrame.class).ackSeq()).isEqualTo(4);
			// the hub tolerates gaps in a client's seqs
			gina.send(event(7, clientId, "k7", "seventh"));
			assertThat(gina.next(AckFrame.class).ackSeq()).isEqualTo(7);
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq).containsExactly(1L, 3L, 4L, 7L);
	}

	@Test
	void rejectedEventsGetAnErrorWithTheirSeqBeforeTheCumulativeAck() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection hank = RawHubConnection.open(this.port, "hank", clientId, "hank-token")) {
			hank.send(new ResumeFrame(clientId, 0));
			hank.next(ResumeResponseFrame.class);
			String big = "x".repeat(64 * 1024 + 1);
			hank.send("[" + this.codec.encode(event(1, clientId, "k1", big)) + ","
					+ "{\"type\":\"event\",\"seq\":2,\"event\":\"  \",\"payload\":{}}" + ","
					+ this.codec.encode(event(3, clientId, "k3", "fine")) + "]");
			ErrorFrame tooLarge = hank.next(ErrorFrame.class);
			assertThat(tooLarge.code()).isEqualTo(ErrorFrame.PAYLOAD_TOO_LARGE);
			assertThat(tooLarge.seq()).isEqualTo(1);
			ErrorFrame invalid = hank.next(ErrorFrame.class);
			assertThat(invalid.code()).isEqualTo(ErrorFrame.INVALID_EVENT);
			assertThat(invalid.seq()).isEqualTo(2);
			assertThat(hank.next(AckFrame.class).ackSeq()).isEqualTo(3);
			assertThat(hank.next(EventFrame.class).payload().get("text").stringValue()).isEqualTo("fine");
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq).containsExactly(3L);
	}

	@Test
	void resumeReplaysMissedEventsInPages() throws Exception {
		for (int n = 1; n <= 7; n++) {
			this.hub.push("ivan", "note.pushed", Map.of("n", n));
		}
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection ivan = RawHubConnection.open(this.port, "ivan", clientId, "ivan-token")) {
			ivan.send(new ResumeFrame(clientId, 0));
			ResumeResponseFrame first = ivan.next(ResumeResponseFrame.class);
			assertThat(first.events()).extracting(EventFrame::seq).containsExactly(1L, 2L, 3L);
			assertThat(first.hasMore()).isTrue();
			assertThat(first.reset()).isFalse();
			ivan.send(new ResumeFrame(clientId, 3));
			ResumeResponseFrame second = ivan.next(ResumeResponseFrame.class);
			assertThat(second.events()).extracting(EventFrame::seq).containsExactly(4L, 5L, 6L);
			assertThat(second.hasMore()).isTrue();
			ivan.send(new ResumeFrame(clientId, 6));
			ResumeResponseFrame last = ivan.next(ResumeResponseFrame.class);
			assertThat(last.events()).extracting(EventFrame::seq).containsExactly(7L);
			assertThat(last.events().get(0).payload().get("n").intValue()).isEqualTo(7);
			assertThat(last.hasMore()).isFalse();
			// live delivery starts right after the last page
			this.hub.push("ivan", "note.pushed", Map.of("n", 8));
			assertThat(ivan.next(EventFrame.class).seq()).isEqualTo(8);
			ivan.send(new AckFrame(8));
		}
	}

	@Test
	void malformedFramesGetErrorsAndTooManyCloseWith4400() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection judy = RawHubConnection.open(this.port, "judy", clientId, "judy-token")) {
			judy.send(new MetaFrame(MetaFrame.PING, this.codec.toPayload(null)));
			assertThat(judy.next(MetaFrame.class).event()).isEqualTo(MetaFrame.PONG);
			judy.send("not json");
			assertThat(judy.next(ErrorFrame.class).seq()).isNull();
			judy.send("{\"type\":\"teleport\"}");
			assertThat(judy.next(ErrorFrame.class).seq()).isNull();
			// the session survives bad frames until the limit
			judy.send(new MetaFrame(MetaFrame.PING, this.codec.toPayload(null)));
			assertThat(judy.next(MetaFrame.class).event()).isEqualTo(MetaFrame.PONG);
			judy.send("[1]");
			assertThat(judy.next(ErrorFrame.class).seq()).isNull();
			assertThat(judy.awaitClose().getCode()).isEqualTo(CloseCodes.PROTOCOL_ERROR);
		}
	}

	@Test
	void aSeqAcceptedBeforeThatArrivesWithAnotherKeyIsRejectedWithSeqConflictNotAckedAsADuplicate() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection hank = RawHubConnection.open(this.port, "hank", clientId, "hank-token")) {
			hank.send(new ResumeFrame(clientId, 0));
			hank.next(ResumeResponseFrame.class);
			hank.send(event(1, clientId, "k1", "first"), event(2, clientId, "k2", "second"));
			assertThat(hank.next(AckFrame.class).ackSeq()).isEqualTo(2);
			hank.next(EventFrame.class);
			hank.next(EventFrame.class);
			// a client whose store was restored from a backup numbers a new event with
			// a seq the hub accepted
			hank.send(event(2, clientId, "k2-new", "after the restore"));
			ErrorFrame conflict = hank.next(ErrorFrame.class);
			assertThat(conflict.code()).isEqualTo(ErrorFrame.SEQ_CONFLICT);
			assertThat(conflict.seq()).isEqualTo(2);
			assertThat(conflict.message()).contains("another idempotency_key");
			assertThat(hank.next(AckFrame.class).ackSeq()).isEqualTo(2);
			// the same seq with its own key is still a duplicate, acked only
			hank.send(event(2, clientId, "k2", "second"));
			assertThat(hank.next(AckFrame.class).ackSeq()).isEqualTo(2);
			// under a new seq the event is accepted
			hank.send(event(3, clientId, "k2-new", "after the restore"));
			assertThat(hank.next(AckFrame.class).ackSeq()).isEqualTo(3);
			assertThat(hank.next(EventFrame.class).payload().get("text").stringValue()).isEqualTo("after the restore");
		}
		assertThat(this.hub.acceptedEvents(clientId)).extracting(AcceptedEvent::seq, AcceptedEvent::idempotencyKey)
			.containsExactly(tuple(1L, "k1"), tuple(2L, "k2"), tuple(3L, "k2-new"));
	}

	@Test
	void eventWithoutSeqIsFannedOutButNeitherAckedNorDeduplicated() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection kim = RawHubConnection.open(this.port, "kim", clientId, "kim-token")) {
			kim.send(new ResumeFrame(clientId, 0));
			kim.next(ResumeResponseFrame.class);
			kim.send(event(null, clientId, "once", "a"));
			kim.send(event(null, clientId, "once", "b"));
			EventFrame first = kim.next(EventFrame.class);
			EventFrame second = kim.next(EventFrame.class);
			assertThat(List.of(first.seq(), second.seq())).containsExactly(1L, 2L);
			assertThat(second.payload().get("text").stringValue()).isEqualTo("b");
		}
		assertThat(this.hub.acceptedEvents(clientId)).isEmpty();
	}

	private EventFrame event(Object seq, String clientId, String key, String text) {
		JsonNode payload = this.codec.toPayload(Map.of("text", text));
		return new EventFrame((seq != null) ? ((Number) seq).longValue() : null, clientId, key, "note.saved", payload,
				Instant.now());
	}

}

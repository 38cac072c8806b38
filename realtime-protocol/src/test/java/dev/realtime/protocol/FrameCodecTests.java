package dev.realtime.protocol;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FrameCodecTests {

	private final FrameCodec codec = new FrameCodec();

	@Test
	void encodesEventWithSnakeCaseFieldsAndOmitsNulls() {
		EventFrame event = new EventFrame(7L, "c1", "k1", "chat.message", this.codec.toPayload(Map.of("text", "hi")),
				Instant.parse("2025-11-21T14:48:02Z"));
		assertThat(this.codec.encode(event)).isEqualTo("{\"type\":\"event\",\"seq\":7,\"client_id\":\"c1\","
				+ "\"idempotency_key\":\"k1\",\"event\":\"chat.message\",\"payload\":{\"text\":\"hi\"},"
				+ "\"timestamp\":\"2025-11-21T14:48:02Z\"}");
		EventFrame atMostOnce = new EventFrame(null, null, null, "x", this.codec.toPayload(null), null);
		assertThat(this.codec.encode(atMostOnce)).isEqualTo("{\"type\":\"event\",\"event\":\"x\",\"payload\":{}}");
	}

	@Test
	void aPayloadGivenAsATreeIsCopiedSoLaterChangesByTheCallerAreNotSent() {
		ObjectNode node = JsonNodeFactory.instance.objectNode().put("n", 1);
		JsonNode payload = this.codec.toPayload(node);
		node.put("n", 2);
		assertThat(payload.get("n").asInt()).isEqualTo(1);
	}

	@Test
	void roundTripsEveryFrameType() {
		EventFrame event = new EventFrame(3L, null, null, "e", this.codec.toPayload(Map.of("a", 1)), Instant.EPOCH);
		List<Frame> frames = List.of(event, new AckFrame(3), new ResumeFrame("c", 2),
				new ResumeResponseFrame(5, List.of(event), true, false, 9),
				new MetaFrame("typing.start", this.codec.toPayload(Map.of("channel_id", "x"))),
				new ErrorFrame("payload_too_large", "too big", 4L), new ErrorFrame("oops", "bad", null));
		for (Frame frame : frames) {
			assertThat(this.codec.decodeOne(this.codec.encode(frame))).isEqualTo(frame);
		}
		assertThat(this.codec.decode(this.codec.encodeAll(frames), (problem) -> {
			throw problem;
		})).isEqualTo(frames);
	}

	@Test
	void ignoresUnknownFields() {
		assertThat(this.codec.decodeOne("{\"type\":\"ack\",\"ack_seq\":4,\"shiny_new_field\":true}"))
			.isEqualTo(new AckFrame(4));
	}

	@Test
	void keepsValidFramesOfABatchAndReportsEachInvalidOne() {
		List<ProtocolException> problems = new ArrayList<>();
		List<Frame> frames = this.codec
			.decode("[{\"type\":\"ack\",\"ack_seq\":1},{\"type\":\"teleport\"},{\"type\":\"ack\",\"ack_seq\":-2},"
					+ "{\"type\":\"ack\",\"ack_seq\":2}]", problems::add);
		assertThat(frames).containsExactly(new AckFrame(1), new AckFrame(2));
		assertThat(problems).extracting(Throwable::getMessage)
			.containsExactly("Batch element 1: Unknown frame type 'teleport'",
					"Batch element 2: Field 'ack_seq' must be a non-negative integer");
	}

	@Test
	void reportsEachElementOfABatchWhereItStands() {
		List<MessageElement> elements = this.codec.decodeElements("[{\"type\":\"ack\",\"ack_seq\":1},"
				+ "{\"type\":\"event\",\"seq\":7,\"event\":\" \"},{\"type\":\"teleport\",\"seq\":8},"
				+ "{\"type\":\"event\",\"seq\":-3},{\"type\":\"event\",\"seq\":\"9\"},42,"
				+ "{\"type\":\"ack\",\"ack_seq\":2}]");
		assertThat(elements).containsExactly(new MessageElement(new AckFrame(1), null, null),
				new MessageElement(null, "Batch element 1: Field 'event' must not be blank", 7L),
				new MessageElement(null, "Batch element 2: Unknown frame type 'teleport'", null),
				new MessageElement(null, "Batch element 3: Field 'seq' must be a non-negative integer", null),
				new MessageElement(null, "Batch element 4: Field 'seq' must be a non-negative integer", null),
				new MessageElement(null, "Batch element 5: Frame must be a JSON object", null),
				new MessageElement(new AckFrame(2), null, null));
	}

	@Test
	void reportsAMessageThatIsNotABatchAsOneElement() {
		assertThat(this.codec.decodeElements("{\"type\":\"event\",\"seq\":3}"))
			.containsExactly(new MessageElement(null, "Missing required field 'event'", 3L));
		assertThat(this.codec.decodeElements("[{\"type\":\"event\",\"seq\":3")).singleElement()
			.satisfies((element) -> assertThat(element.problem()).startsWith("Message is not valid JSON"))
			.satisfies((element) -> assertThat(element.rejectedSeq()).isNull());
		assertThat(this.codec.decodeElements("[]")).isEmpty();
	}

	@Test
	void elementIsEitherAFrameOrAProblem() {
		assertThatIllegalArgumentException().isThrownBy(() -> new MessageElement(null, null, null));
		assertThatIllegalArgumentException().isThrownBy(() -> new MessageElement(new AckFrame(1), "bad", null));
		assertThatIllegalArgumentException().isThrownBy(() -> new MessageElement(new AckFrame(1), null, 1L));
	}

	@Test
	void namesTheProblemOfAnInvalidFrame() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decodeOne("{oops"))
			.withMessageStartingWith("Message is not valid JSON");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decodeOne("{\"seq\":1}"))
			.withMessage("Missing required field 'type'");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne("{\"type\":\"event\",\"event\":\"x\",\"timestamp\":\"yesterday\"}"))
			.withMessage("Field 'timestamp' is not an ISO-8601 instant: 'yesterday'");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne(
					"{\"type\":\"resume_response\",\"ack_seq\":0,\"events\":[{\"type\":\"event\",\"event\":\"x\"}]}"))
			.withMessage("resume_response event 0 has no 'seq'");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decodeOne("42"))
			.withMessage("Frame must be a JSON object");
	}

	@Test
	void keepsPayloadNumbersExactly() {
		// as doubles, 1e999 became "-Infinity" (a string) on the way on, and 0.1 would
		// lose digits
		MetaFrame frame = (MetaFrame) this.codec.decodeOne(
				"{\"type\":\"meta\",\"event\":\"x\",\"payload\":{\"big\":-1e999,\"exact\":0.10000000000000000001}}");
		assertThat(this.codec.decodeOne(this.codec.encode(frame))).isEqualTo(frame);
		assertThat(frame.payload().get("big").isNumber()).isTrue();
		assertThat(frame.payload().get("exact").decimalValue()).isEqualByComparingTo("0.10000000000000000001");
	}

	@Test
	void rejectsAnExponentBeyondRangeAsAProtocolProblem() {
		// Jackson threw NumberFormatException here, which escaped decode()
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne("{\"type\":\"ack\",\"ack_seq\":92233720E6854775807}"))
			.withMessage("Message holds a number out of range");
	}

	@Test
	void doesNotRepeatTheOffendingTextInProblems() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne("{\"type\":\"ack\",\"ack_seq\":secretToken}"))
			.withMessageStartingWith("Message is not valid JSON")
			.withMessageNotContaining("secretToken");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne("{\"type\":\"" + "x".repeat(10_000) + "\"}"))
			.withMessage("Unknown frame type '" + "x".repeat(40) + "…'");
	}

	@Test
	void rejectsBlankMetaAndErrorNamesAndResumedFramesOfAnotherType() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne("{\"type\":\"meta\",\"event\":\" \"}"))
			.withMessage("Field 'event' must not be blank");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.codec.decodeOne("{\"type\":\"error\",\"code\":\"\"}"))
			.withMessage("Field 'code' must not be blank");
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.codec.decodeOne(
				"{\"type\":\"resume_response\",\"ack_seq\":0,\"events\":[{\"type\":\"ack\",\"seq\":1,\"event\":\"x\"}]}"))
			.withMessage("resume_response event 0 has 'type' 'ack' instead of 'event'");
	}

}

package dev.realtime.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fuzz test of {@link FrameCodec#decode} and {@link FrameCodec#decodeElements}: seeded,
 * reproducible random and mutated messages built from valid frames of every type (wrong
 * field types, removed fields, flipped and unknown types, negative, huge and non-integer
 * seqs, deep nesting, batches with bad elements, truncated and corrupted text, garbage).
 * Every input must either decode to valid frames or be rejected with a
 * {@link ProtocolException} whose message names what is wrong; nothing else may escape.
 * Element by element, {@code decodeElements} reports exactly what {@code decode} does.
 * For structured mutations an oracle written from the protocol page (not from the codec)
 * says which elements are invalid, which fields are wrong and which seq an invalid event
 * still names, and the codec must agree.
 * <p>
 * CI runs {@value #CI_TRIES} inputs. A long run:
 * {@code ./mvnw -pl realtime-spring-boot-autoconfigure test -Dtest=FrameCodecFuzzTests
 * -Drealtime.fuzz.tries=1000000} (add {@code -Drealtime.fuzz.seed=N} for another seed). A
 * failure names the seed of the failing input; {@code -Drealtime.fuzz.case=SEED
 * -Drealtime.fuzz.tries=1} replays that one input.
 */
class FrameCodecFuzzTests {

	private static final int CI_TRIES = 20_000;

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final String[] WIRE_NAMES = { "event", "ack", "resume", "resume_response", "meta", "error" };

	private static final String SECRET = "s3cr3t-Token";

	private final FrameCodec codec = new FrameCodec();

	@Test
	void everyInputDecodesToValidFramesOrIsRejectedWithAReason() {
		long seed = Long.getLong("realtime.fuzz.seed", 20251121L);
		int tries = Integer.getInteger("realtime.fuzz.tries", CI_TRIES);
		Long replay = Long.getLong("realtime.fuzz.case");
		SplittableRandom seeds = new SplittableRandom(seed);
		Tally tally = new Tally();
		long start = System.nanoTime();
		for (int i = 0; i < tries; i++) {
			long caseSeed = (replay != null) ? replay : seeds.nextLong();
			Input input = generate(new SplittableRandom(caseSeed));
			try {
				check(input, tally);
			}
			catch (AssertionError | RuntimeException ex) {
				String text = (input.text().length() > 2000) ? input.text().substring(0, 2000) + "…" : input.text();
				throw new AssertionError("Input " + i + " (-Drealtime.fuzz.case=" + caseSeed + ", kind " + input.kind()
						+ ") failed: " + ex + "\ninput: " + text, ex);
			}
		}
		long millis = (System.nanoTime() - start) / 1_000_000;
		System.out.printf(
				"Frame codec fuzz: %d inputs (seed %d) in %d ms: %d messages accepted whole, %d frames "
						+ "decoded, %d problems reported, %d oracle checks%n",
				tries, seed, millis, tally.accepted, tally.frames, tally.problems, tally.oracleChecks);
		if (replay == null && tries >= 1000) {
			// the generator must exercise both outcomes, else the test proves little
			assertThat(tally.accepted).isGreaterThan(tries / 10);
			assertThat(tally.problems).isGreaterThan(tries / 4);
		}
	}

	@Test
	void problemMessagesDoNotRepeatTheMessagesText() {
		List<String> inputs = List.of("{\"type\":\"event\",\"event\":\"chat\",\"payload\":{\"text\":\"" + SECRET,
				"{\"type\":" + SECRET + "}", "[" + SECRET + "]", "{\"type\":\"" + SECRET.repeat(10) + "\"}",
				"{\"type\":\"event\",\"event\":\"x\",\"timestamp\":\"" + SECRET.repeat(10) + "\"}",
				"{\"type\":\"resume_response\",\"ack_seq\":0,\"events\":[{\"type\":\"" + SECRET.repeat(10) + "\"}]}");
		for (String input : inputs) {
			List<ProtocolException> problems = new ArrayList<>();
			this.codec.decode(input, problems::add);
			assertThat(problems).as(input).hasSize(1);
			assertThat(problems.get(0).getMessage()).as(input).doesNotContain(SECRET.repeat(4)).hasSizeLessThan(200);
			// names from the wire are quoted, cut short; anything else is not repeated at
			// all
			if (!input.contains(SECRET.repeat(4))) {
				assertThat(problems.get(0).getMessage()).as(input).doesNotContain(SECRET);
			}
		}
	}

	private void check(Input input, Tally tally) {
		List<ProtocolException> problems = new ArrayList<>();
		List<Frame> frames;
		try {
			frames = this.codec.decode(input.text(), problems::add);
		}
		catch (RuntimeException ex) {
			throw new AssertionError("decode threw instead of reporting a problem", ex);
		}
		tally.frames += frames.size();
		tally.problems += problems.size();
		if (problems.isEmpty()) {
			tally.accepted++;
		}
		for (ProtocolException problem : problems) {
			String message = problem.getMessage();
			require(message != null && !message.isBlank() && message.length() < 400, "unhelpful message", message);
		}
		for (Frame frame : frames) {
			requireValid(frame);
		}
		checkDecodeOne(input.text(), frames, problems);
		List<MessageElement> elements = this.codec.decodeElements(input.text());
		checkElements(elements, frames, problems);
		if (input.expected() != null) {
			tally.oracleChecks++;
			checkAgainstOracle(input.expected(), frames, problems);
			checkElementsAgainstOracle(input, elements);
		}
	}

	private static void checkElements(List<MessageElement> elements, List<Frame> frames,
			List<ProtocolException> problems) {
		List<Frame> elementFrames = new ArrayList<>();
		List<String> elementProblems = new ArrayList<>();
		for (MessageElement element : elements) {
			if (element.frame() != null) {
				elementFrames.add(element.frame());
			}
			else {
				elementProblems.add(element.problem());
			}
		}
		require(elementFrames.equals(frames), "elements hold other frames than decode returns", elements);
		require(elementProblems.equals(problems.stream().map(Throwable::getMessage).toList()),
				"elements hold other problems than decode reports", elements);
	}

	private void checkElementsAgainstOracle(Input input, List<MessageElement> elements) {
		JsonNode root = this.codec.mapper().readTree(input.text());
		List<Expectation> expected = input.expected();
		require(elements.size() == expected.size(), "one element per batch element", elements);
		for (int i = 0; i < expected.size(); i++) {
			MessageElement element = elements.get(i);
			boolean valid = expected.get(i).names().isEmpty();
			require(valid == (element.frame() != null), "element " + i + " valid: " + valid, element);
			if (!valid) {
				Long seq = namedSeq(root.isArray() ? root.get(i) : root);
				require(Objects.equals(seq, element.rejectedSeq()), "element " + i + " names seq " + seq, element);
			}
		}
	}

	private void checkDecodeOne(String text, List<Frame> frames, List<ProtocolException> problems) {
		try {
			Frame frame = this.codec.decodeOne(text);
			require(problems.isEmpty() && frames.equals(List.of(frame)), "decodeOne accepted", frame);
		}
		catch (ProtocolException ex) {
			require(!problems.isEmpty() || frames.size() != 1, "decodeOne rejected a single valid frame", ex);
		}
	}

	private void checkAgainstOracle(List<Expectation> expected, List<Frame> frames, List<ProtocolException> problems) {
		boolean batch = expected.size() != 1 || expected.get(0).inBatch();
		List<Frame> remaining = new ArrayList<>(frames);
		int problem = 0;
		for (int i = 0; i < expected.size(); i++) {
			Expectation expectation = expected.get(i);
			if (expectation.names().isEmpty()) {
				require(!remaining.isEmpty(), "no frame decoded for valid element", i);
				Frame frame = remaining.remove(0);
				require(expectation.frame() == null || expectation.frame().equals(frame), "decoded differently", frame);
				continue;
			}
			require(problems.size() > problem, "no problem reported for invalid element", i + " " + expectation);
			String message = problems.get(problem++).getMessage();
			require(!batch || message.startsWith("Batch element " + i + ": "), "batch element not named", message);
			require(expectation.names().stream().anyMatch(message::contains),
					"message names none of " + expectation.names(), message);
		}
		require(remaining.isEmpty(), "frames decoded from invalid elements", remaining);
		require(problems.size() == problem, "problems reported for valid elements", problems);
	}

	private void requireValid(Frame frame) {
		if (frame instanceof EventFrame event) {
			requireValidEvent(event);
		}
		else if (frame instanceof AckFrame ack) {
			require(ack.ackSeq() >= 0, "negative seq", frame);
		}
		else if (frame instanceof ResumeFrame resume) {
			require(resume.lastAckSeq() >= 0, "negative seq", frame);
		}
		else if (frame instanceof ResumeResponseFrame response) {
			require(response.ackSeq() >= 0 && response.lastSeq() >= 0, "negative seq", frame);
			for (EventFrame event : response.events()) {
				requireValidEvent(event);
				require(event.seq() != null, "resumed event without seq", frame);
			}
		}
		else if (frame instanceof MetaFrame meta) {
			require(!meta.event().isBlank(), "blank name", frame);
		}
		else if (frame instanceof ErrorFrame error) {
			require(!error.code().isBlank(), "blank code", frame);
			require(error.seq() == null || error.seq() >= 0, "negative seq", frame);
		}
		// a valid frame survives a round trip unchanged
		require(this.codec.decodeOne(this.codec.encode(frame)).equals(frame), "changed by a round trip", frame);
	}

	private static void requireValidEvent(EventFrame event) {
		require(!event.event().isBlank(), "blank name", event);
		require(event.seq() == null || event.seq() >= 0, "negative seq", event);
	}

	private static void require(boolean condition, String problem, Object subject) {
		if (!condition) {
			throw new AssertionError(problem + ": " + subject);
		}
	}

	// -- the oracle: what the protocol page says about one frame object

	private static Set<String> wrongNames(JsonNode node) {
		Set<String> names = new LinkedHashSet<>();
		if (!node.isObject()) {
			names.add("JSON object");
			return names;
		}
		JsonNode type = node.get("type");
		if (type == null || type.isNull() || !type.isString()) {
			names.add("'type'");
			return names;
		}
		switch (type.stringValue()) {
			case "event" -> checkEvent(node, names);
			case "ack" -> checkSeq(node, "ack_seq", true, names);
			case "resume" -> {
				checkString(node, "client_id", true, false, names);
				checkSeq(node, "last_ack_seq", true, names);
			}
			case "resume_response" -> {
				checkSeq(node, "ack_seq", true, names);
				checkSeq(node, "last_seq", false, names);
				checkBoolean(node, "has_more", names);
				checkBoolean(node, "reset", names);
				JsonNode events = node.get("events");
				if (events != null && !events.isNull()) {
					if (!events.isArray()) {
						names.add("'events'");
					}
					else {
						for (int i = 0; i < events.size(); i++) {
							checkResumedEvent(events.get(i), i, names);
						}
					}
				}
			}
			case "meta" -> checkString(node, "event", true, true, names);
			case "error" -> {
				checkString(node, "code", true, true, names);
				checkString(node, "message", false, false, names);
				checkSeq(node, "seq", false, names);
			}
			default -> names.add("frame type");
		}
		return names;
	}

	// an invalid event element that still names its seq (an integer >= 1) is rejected
	// with it
	private static Long namedSeq(JsonNode node) {
		JsonNode type = node.get("type");
		JsonNode seq = node.get("seq");
		if (!node.isObject() || type == null || !type.isString() || !type.stringValue().equals("event") || seq == null
				|| !seq.isIntegralNumber()) {
			return null;
		}
		BigInteger value = seq.bigIntegerValue();
		return (value.signum() > 0 && value.bitLength() <= 63) ? value.longValue() : null;
	}

	private static void checkResumedEvent(JsonNode event, int index, Set<String> names) {
		if (!event.isObject()) {
			names.add("resume_response event " + index);
			return;
		}
		JsonNode type = event.get("type");
		if (type != null && !type.isNull() && !(type.isString() && type.stringValue().equals("event"))) {
			names.add(type.isString() ? "resume_response event " + index : "'type'");
		}
		JsonNode seq = event.get("seq");
		if (seq == null || seq.isNull()) {
			names.add("resume_response event " + index);
		}
		checkEvent(event, names);
	}

	private static void checkEvent(JsonNode node, Set<String> names) {
		checkSeq(node, "seq", false, names);
		checkString(node, "client_id", false, false, names);
		checkString(node, "idempotency_key", false, false, names);
		checkString(node, "event", true, true, names);
		JsonNode timestamp = node.get("timestamp");
		if (timestamp != null && !timestamp.isNull()) {
			if (!timestamp.isString()) {
				names.add("'timestamp'");
			}
			else {
				try {
					Instant.parse(timestamp.stringValue());
				}
				catch (DateTimeParseException ex) {
					names.add("'timestamp'");
				}
			}
		}
	}

	private static void checkSeq(JsonNode node, String field, boolean required, Set<String> names) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			if (required) {
				names.add("'" + field + "'");
			}
			return;
		}
		if (!value.isIntegralNumber() || value.bigIntegerValue().signum() < 0
				|| value.bigIntegerValue().bitLength() > 63) {
			names.add("'" + field + "'");
		}
	}

	private static void checkString(JsonNode node, String field, boolean required, boolean name, Set<String> names) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			if (required) {
				names.add("'" + field + "'");
			}
			return;
		}
		if (!value.isString() || (name && value.stringValue().isBlank())) {
			names.add("'" + field + "'");
		}
	}

	private static void checkBoolean(JsonNode node, String field, Set<String> names) {
		JsonNode value = node.get(field);
		if (value != null && !value.isNull() && !value.isBoolean()) {
			names.add("'" + field + "'");
		}
	}

	// -- the generator

	private Input generate(SplittableRandom random) {
		int kind = random.nextInt(12);
		return switch (kind) {
			case 0 -> {
				Frame frame = randomFrame(random);
				yield new Input("valid", this.codec.encode(frame), List.of(new Expectation(Set.of(), frame, false)));
			}
			case 1, 2, 3, 4 -> mutatedObject(random);
			case 5 -> batch(random);
			case 6 -> textual("truncated", random, truncate(random, validText(random)));
			case 7 -> textual("corrupted", random, corrupt(random, validText(random)));
			case 8 -> deepNesting(random);
			case 9 -> hugeNumber(random);
			case 10 -> textual("garbage", random, garbage(random));
			default -> resumeResponseWithBadEvents(random);
		};
	}

	private Input textual(String kind, SplittableRandom random, String text) {
		return new Input(kind, text, null);
	}

	private String validText(SplittableRandom random) {
		if (random.nextInt(4) == 0) {
			List<Frame> frames = new ArrayList<>();
			int size = 2 + random.nextInt(4);
			for (int i = 0; i < size; i++) {
				frames.add(randomFrame(random));
			}
			return this.codec.encodeAll(frames);
		}
		return this.codec.encode(randomFrame(random));
	}

	private Input mutatedObject(SplittableRandom random) {
		ObjectNode node = (ObjectNode) this.codec.mapper().readTree(this.codec.encode(randomFrame(random)));
		String kind = mutate(random, node);
		return new Input(kind, this.codec.mapper().writeValueAsString(node),
				List.of(new Expectation(wrongNames(node), null, false)));
	}

	private String mutate(SplittableRandom random, ObjectNode node) {
		List<String> fields = new ArrayList<>(node.propertyNames());
		String[] known = { "type", "seq", "ack_seq", "last_ack_seq", "last_seq", "client_id", "idempotency_key",
				"event", "payload", "timestamp", "events", "has_more", "reset", "code", "message" };
		String field = random.nextBoolean() ? fields.get(random.nextInt(fields.size()))
				: known[random.nextInt(known.length)];
		switch (random.nextInt(6)) {
			case 0 -> {
				node.remove(field);
				return "removed " + field;
			}
			case 1 -> {
				node.set("type", typeValue(random));
				return "type flipped";
			}
			case 2 -> {
				node.set(field, seqValue(random));
				return "seq-like " + field;
			}
			case 3 -> {
				node.set("x_" + randomString(random, 6), randomJson(random, 2));
				return "unknown field";
			}
			default -> {
				node.set(field, wrongValue(random));
				return "wrong type " + field;
			}
		}
	}

	private Input batch(SplittableRandom random) {
		ArrayNode array = NODES.arrayNode();
		List<Expectation> expected = new ArrayList<>();
		int size = 1 + random.nextInt(6);
		for (int i = 0; i < size; i++) {
			switch (random.nextInt(4)) {
				case 0 -> {
					Frame frame = randomFrame(random);
					array.add(this.codec.mapper().readTree(this.codec.encode(frame)));
					expected.add(new Expectation(Set.of(), frame, true));
				}
				case 1 -> {
					JsonNode element = random.nextBoolean() ? wrongValue(random) : NODES.arrayNode()
						.add(this.codec.mapper().readTree(this.codec.encode(randomFrame(random))));
					array.add(element);
					expected.add(new Expectation(wrongNames(element), null, true));
				}
				default -> {
					ObjectNode node = (ObjectNode) this.codec.mapper().readTree(this.codec.encode(randomFrame(random)));
					mutate(random, node);
					array.add(node);
					expected.add(new Expectation(wrongNames(node), null, true));
				}
			}
		}
		return new Input("batch", this.codec.mapper().writeValueAsString(array), expected);
	}

	private Input resumeResponseWithBadEvents(SplittableRandom random) {
		ObjectNode node = (ObjectNode) this.codec.mapper()
			.readTree(this.codec.encode(new ResumeResponseFrame(random.nextLong(0, Long.MAX_VALUE),
					List.of(randomEvent(random, true), randomEvent(random, true)), random.nextBoolean(),
					random.nextBoolean(), random.nextLong(0, Long.MAX_VALUE))));
		ArrayNode events = (ArrayNode) node.get("events");
		int index = random.nextInt(events.size());
		switch (random.nextInt(4)) {
			case 0 -> events.set(index, wrongValue(random));
			case 1 -> ((ObjectNode) events.get(index)).remove("seq");
			case 2 -> ((ObjectNode) events.get(index)).set("type", typeValue(random));
			default -> mutate(random, (ObjectNode) events.get(index));
		}
		return new Input("resume_response events", this.codec.mapper().writeValueAsString(node),
				List.of(new Expectation(wrongNames(node), null, false)));
	}

	private Input deepNesting(SplittableRandom random) {
		int depth = 1 + random.nextInt(random.nextBoolean() ? 600 : 3000);
		boolean arrays = random.nextBoolean();
		StringBuilder payload = new StringBuilder();
		for (int i = 0; i < depth; i++) {
			payload.append(arrays ? "[" : "{\"a\":");
		}
		payload.append("1");
		for (int i = 0; i < depth; i++) {
			payload.append(arrays ? "]" : "}");
		}
		String text = "{\"type\":\"" + (random.nextBoolean() ? "event" : "meta") + "\",\"event\":\"deep\",\"payload\":"
				+ payload + "}";
		// valid within the parser's nesting limit, rejected as invalid JSON beyond it:
		// both are fine
		return new Input("deep nesting " + depth, text, null);
	}

	private Input hugeNumber(SplittableRandom random) {
		String digits = "9".repeat(1 + random.nextInt(random.nextBoolean() ? 30 : 3000));
		String[] forms = { digits, "-" + digits, digits + ".5", digits + "e" + random.nextInt(400), "0." + digits, "-0",
				"1E2", "0x10", "01", "+1", "NaN", "Infinity", "1.0" };
		String value = forms[random.nextInt(forms.length)];
		String type = WIRE_NAMES[random.nextInt(WIRE_NAMES.length)];
		String text = switch (type) {
			case "ack" -> "{\"type\":\"ack\",\"ack_seq\":" + value + "}";
			case "resume" -> "{\"type\":\"resume\",\"client_id\":\"c\",\"last_ack_seq\":" + value + "}";
			case "resume_response" -> "{\"type\":\"resume_response\",\"ack_seq\":0,\"last_seq\":" + value + "}";
			case "error" -> "{\"type\":\"error\",\"code\":\"x\",\"seq\":" + value + "}";
			default -> "{\"type\":\"event\",\"event\":\"e\",\"seq\":" + value + "}";
		};
		return new Input("number " + value.length(), text, null);
	}

	private static String truncate(SplittableRandom random, String text) {
		return text.substring(0, random.nextInt(text.length()));
	}

	private static String corrupt(SplittableRandom random, String text) {
		StringBuilder builder = new StringBuilder(text);
		int edits = 1 + random.nextInt(5);
		String alphabet = "{}[]\":,\\ 0123456789-.eEtrufalsn\u0000\u00e9\ud83d\ude00\ud800";
		for (int i = 0; i < edits && builder.length() > 0; i++) {
			int at = random.nextInt(builder.length());
			char c = alphabet.charAt(random.nextInt(alphabet.length()));
			switch (random.nextInt(3)) {
				case 0 -> builder.setCharAt(at, c);
				case 1 -> builder.insert(at, c);
				default -> builder.deleteCharAt(at);
			}
		}
		return builder.toString();
	}

	private static String garbage(SplittableRandom random) {
		String[] tokens = { "{", "}", "[", "]", ":", ",", "\"type\"", "\"event\"", "\"ack\"", "\"seq\"", "1", "-1",
				"null", "true", "\"\"", "\"x\"", " ", "\n", "\u2028", "\ufeff" };
		StringBuilder builder = new StringBuilder();
		int length = random.nextInt(40);
		for (int i = 0; i < length; i++) {
			builder.append(tokens[random.nextInt(tokens.length)]);
		}
		return builder.toString();
	}

	private Frame randomFrame(SplittableRandom random) {
		return switch (random.nextInt(6)) {
			case 0 -> randomEvent(random, random.nextBoolean());
			case 1 -> new AckFrame(randomSeq(random));
			case 2 -> new ResumeFrame(randomString(random, 40), randomSeq(random));
			case 3 -> {
				List<EventFrame> events = new ArrayList<>();
				int size = random.nextInt(4);
				for (int i = 0; i < size; i++) {
					events.add(randomEvent(random, true));
				}
				yield new ResumeResponseFrame(randomSeq(random), events, random.nextBoolean(), random.nextBoolean(),
						randomSeq(random));
			}
			case 4 -> new MetaFrame(randomName(random), randomJson(random, 3));
			default -> new ErrorFrame(randomName(random), randomString(random, 30),
					random.nextBoolean() ? randomSeq(random) : null);
		};
	}

	private EventFrame randomEvent(SplittableRandom random, boolean sequenced) {
		return new EventFrame(sequenced ? randomSeq(random) : null,
				random.nextBoolean() ? randomString(random, 36) : null,
				random.nextBoolean() ? randomString(random, 36) : null, randomName(random), randomJson(random, 3),
				random.nextBoolean() ? Instant.ofEpochMilli(random.nextLong(0, 32_503_680_000_000L)) : null);
	}

	private static long randomSeq(SplittableRandom random) {
		return switch (random.nextInt(4)) {
			case 0 -> 0;
			case 1 -> Long.MAX_VALUE;
			default -> random.nextLong(0, random.nextBoolean() ? 1000 : Long.MAX_VALUE);
		};
	}

	private static String randomName(SplittableRandom random) {
		String name = randomString(random, 20);
		return name.isBlank() ? "e" + name : name;
	}

	private static String randomString(SplittableRandom random, int maxLength) {
		String alphabet = "abcXYZ019._-\" \\/\t\n\u0000\u00e9\u4e2d\ud83d\ude00'";
		int length = random.nextInt(maxLength + 1);
		StringBuilder builder = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			char c = alphabet.charAt(random.nextInt(alphabet.length()));
			if (Character.isHighSurrogate(c)) {
				builder.append("\ud83d\ude00");
			}
			else if (!Character.isLowSurrogate(c)) {
				builder.append(c);
			}
		}
		return builder.toString();
	}

	private static JsonNode randomJson(SplittableRandom random, int depth) {
		if (depth == 0 || random.nextInt(3) == 0) {
			return NODES.objectNode();
		}
		ObjectNode node = NODES.objectNode();
		int size = random.nextInt(4);
		for (int i = 0; i < size; i++) {
			node.set(randomString(random, 8),
					(random.nextInt(3) == 0) ? randomJson(random, depth - 1) : randomScalar(random));
		}
		return node;
	}

	private static JsonNode randomScalar(SplittableRandom random) {
		return switch (random.nextInt(5)) {
			case 0 -> NODES.stringNode(randomString(random, 12));
			case 1 -> NODES.numberNode(random.nextLong());
			case 2 -> NODES.booleanNode(random.nextBoolean());
			case 3 -> NODES.arrayNode().add(random.nextInt()).add("x");
			default -> NODES.nullNode();
		};
	}

	private static JsonNode typeValue(SplittableRandom random) {
		return switch (random.nextInt(5)) {
			case 0, 1 -> NODES.stringNode(WIRE_NAMES[random.nextInt(WIRE_NAMES.length)]);
			case 2 -> NODES.stringNode(randomString(random, 12));
			case 3 -> NODES.stringNode("EVENT");
			default -> wrongValue(random);
		};
	}

	private static JsonNode seqValue(SplittableRandom random) {
		return switch (random.nextInt(9)) {
			case 0 -> NODES.numberNode(-1L - random.nextInt(1000));
			case 1 -> NODES.numberNode(Long.MIN_VALUE);
			case 2 -> NODES.numberNode(Long.MAX_VALUE);
			case 3 -> NODES.numberNode(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.ONE));
			case 4 -> NODES.numberNode(new BigInteger("9".repeat(1 + random.nextInt(200))));
			case 5 -> NODES.numberNode(1.5);
			case 6 -> NODES.numberNode(new BigDecimal("1E+2"));
			case 7 -> NODES.stringNode(Long.toString(random.nextLong(0, 1000)));
			default -> NODES.numberNode(random.nextLong(0, Long.MAX_VALUE));
		};
	}

	private static JsonNode wrongValue(SplittableRandom random) {
		return switch (random.nextInt(11)) {
			case 0 -> NODES.stringNode(randomString(random, 10));
			case 1 -> NODES.stringNode("");
			case 2 -> NODES.stringNode(" \t");
			case 3 -> NODES.numberNode(random.nextInt());
			case 4 -> NODES.numberNode(-0.0);
			case 5 -> NODES.booleanNode(random.nextBoolean());
			case 6 -> NODES.nullNode();
			case 7 -> NODES.arrayNode().add(1);
			case 8 -> NODES.objectNode().put("type", "event");
			case 9 -> NODES.numberNode(new BigInteger("-" + "9".repeat(30)));
			default -> NODES.objectNode();
		};
	}

	private record Input(String kind, String text, List<Expectation> expected) {
	}

	/**
	 * What the oracle expects of one frame object: the names one of which a problem
	 * message mentions (none when the object is valid), and the frame it decodes to when
	 * known.
	 */
	private record Expectation(Set<String> names, Frame frame, boolean inBatch) {
	}

	private static final class Tally {

		long accepted;

		long frames;

		long problems;

		long oracleChecks;

	}

}

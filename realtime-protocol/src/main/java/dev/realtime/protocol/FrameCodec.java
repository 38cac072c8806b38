package dev.realtime.protocol;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.util.RawValue;

/**
 * Encodes frames to JSON text and decodes JSON text to frames, validating strictly what
 * arrives. Field names are snake_case; unknown fields are ignored. Thread-safe.
 */
public final class FrameCodec {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private final ObjectMapper mapper;

	private final ObjectReader reader;

	/**
	 * Create a codec with a plain {@link JsonMapper}.
	 */
	public FrameCodec() {
		this(JsonMapper.builder().build());
	}

	/**
	 * Create a codec that uses the given mapper for payload conversion and JSON text.
	 * @param mapper the mapper
	 */
	public FrameCodec(ObjectMapper mapper) {
		this.mapper = mapper;
		// payload numbers are kept exactly: as doubles, 1e999 would turn into "Infinity"
		// and 0.1 lose digits
		this.reader = mapper.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
	}

	/**
	 * Return the mapper used for payloads.
	 * @return the mapper
	 */
	public ObjectMapper mapper() {
		return this.mapper;
	}

	/**
	 * Convert an application payload to a JSON tree.
	 * @param payload the payload: a {@link JsonNode}, a JSON-mappable object, or
	 * {@code null} for an empty object
	 * @return the tree
	 */
	public JsonNode toPayload(@Nullable Object payload) {
		if (payload == null) {
			return NODES.objectNode();
		}
		if (payload instanceof JsonNode node) {
			// the caller may change its node once sent: the event keeps what was sent
			return node.deepCopy();
		}
		return this.mapper.valueToTree(payload);
	}

	/**
	 * Convert an application payload to its JSON text, serializing it once.
	 * @param payload the payload: a {@link JsonNode}, a JSON-mappable object, or
	 * {@code null} for an empty object
	 * @return the JSON text
	 * @see #rawPayload(String)
	 */
	public String toPayloadJson(@Nullable Object payload) {
		if (payload == null) {
			return "{}";
		}
		return this.mapper.writeValueAsString(payload);
	}

	/**
	 * Return a payload that is already JSON text, to put in a frame: it is encoded as is,
	 * never parsed nor serialized again. Only for text this codec's mapper wrote (see
	 * {@link #toPayloadJson(Object)}): the frame is only as valid as the text.
	 * @param json the payload's JSON text
	 * @return a node that writes the text as is
	 */
	public static JsonNode rawPayload(String json) {
		return NODES.rawValueNode(new RawValue(json));
	}

	/**
	 * Encode one frame as a text message.
	 * @param frame the frame
	 * @return the JSON text
	 */
	public String encode(Frame frame) {
		return this.mapper.writeValueAsString(toNode(frame));
	}

	/**
	 * Encode frames as one batch text message (a JSON array); a single frame is sent
	 * bare.
	 * @param frames the frames, in order
	 * @return the JSON text
	 */
	public String encodeAll(List<? extends Frame> frames) {
		if (frames.size() == 1) {
			return encode(frames.get(0));
		}
		ArrayNode array = NODES.arrayNode(frames.size());
		for (Frame frame : frames) {
			array.add(toNode(frame));
		}
		return this.mapper.writeValueAsString(array);
	}

	/**
	 * Decode a text message into its frames. A message that is not JSON yields no frames
	 * and one problem; in a batch, each invalid element is reported and the valid ones
	 * are kept, in order.
	 * @param text the text message
	 * @param onInvalid receives a {@link ProtocolException} naming each problem
	 * @return the valid frames in order
	 * @see #decodeElements(String)
	 */
	public List<Frame> decode(String text, Consumer<ProtocolException> onInvalid) {
		List<MessageElement> elements = decodeElements(text);
		List<Frame> frames = new ArrayList<>(elements.size());
		for (MessageElement element : elements) {
			Frame frame = element.frame();
			if (frame != null) {
				frames.add(frame);
			}
			else {
				onInvalid.accept(new ProtocolException(String.valueOf(element.problem())));
			}
		}
		return frames;
	}

	/**
	 * Decode a text message element by element, so a caller can answer each invalid
	 * element where it stands among the valid ones. A message that is not JSON is one
	 * invalid element.
	 * @param text the text message
	 * @return one result per element of a batch, in order, or the one result of any other
	 * message
	 */
	public List<MessageElement> decodeElements(String text) {
		JsonNode root;
		try {
			root = readTree(text);
		}
		catch (ProtocolException ex) {
			return List.of(MessageElement.invalid(String.valueOf(ex.getMessage()), null));
		}
		if (!root.isArray()) {
			return List.of(element(root, null));
		}
		List<MessageElement> elements = new ArrayList<>(root.size());
		for (int i = 0; i < root.size(); i++) {
			elements.add(element(root.get(i), i));
		}
		return elements;
	}

	/**
	 * Decode a text message that must hold exactly one valid frame.
	 * @param text the text message
	 * @return the frame
	 * @throws ProtocolException if the text is not exactly one valid frame
	 */
	public Frame decodeOne(String text) {
		List<ProtocolException> problems = new ArrayList<>();
		List<Frame> frames = decode(text, problems::add);
		if (!problems.isEmpty()) {
			throw problems.get(0);
		}
		if (frames.size() != 1) {
			throw new ProtocolException("Expected one frame but the message holds " + frames.size());
		}
		return frames.get(0);
	}

	// Jackson quotes the offending token, which may be a piece of user data or a
	// credential
	private static String withoutQuotedText(JacksonException ex) {
		String message = String.valueOf(ex.getOriginalMessage()).replaceAll("'[^']*'", "'…'");
		return (ex.getLocation() != null) ? message + " at column " + ex.getLocation().getColumnNr() : message;
	}

	private JsonNode readTree(String text) {
		JsonNode root;
		try {
			root = this.reader.readTree(text);
		}
		catch (JacksonException ex) {
			throw new ProtocolException("Message is not valid JSON: " + withoutQuotedText(ex));
		}
		catch (NumberFormatException ex) {
			// Jackson throws this, not one of its own, for an exponent beyond what
			// BigDecimal holds
			throw new ProtocolException("Message holds a number out of range");
		}
		if (root == null || root.isMissingNode()) {
			throw new ProtocolException("Message is empty");
		}
		return root;
	}

	private MessageElement element(JsonNode node, @Nullable Integer index) {
		try {
			return MessageElement.valid(toFrame(node));
		}
		catch (ProtocolException ex) {
			String problem = (index != null) ? "Batch element " + index + ": " + ex.getMessage() : ex.getMessage();
			return MessageElement.invalid(String.valueOf(problem), rejectedSeq(node));
		}
	}

	// an invalid event that still names a usable seq is rejected with it, see
	// MessageElement
	private static @Nullable Long rejectedSeq(JsonNode node) {
		JsonNode type = node.get("type");
		JsonNode seq = node.get("seq");
		if (!node.isObject() || type == null || !FrameType.EVENT.wireName().equals(type.stringValue(null))
				|| seq == null || !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
			return null;
		}
		return seq.longValue();
	}

	private ObjectNode toNode(Frame frame) {
		ObjectNode node = NODES.objectNode();
		node.put("type", frame.type().wireName());
		if (frame instanceof EventFrame event) {
			writeEvent(node, event);
		}
		else if (frame instanceof AckFrame ack) {
			node.put("ack_seq", ack.ackSeq());
		}
		else if (frame instanceof ResumeFrame resume) {
			node.put("client_id", resume.clientId());
			node.put("last_ack_seq", resume.lastAckSeq());
		}
		else if (frame instanceof ResumeResponseFrame response) {
			node.put("ack_seq", response.ackSeq());
			ArrayNode events = node.putArray("events");
			for (EventFrame event : response.events()) {
				ObjectNode eventNode = events.addObject();
				eventNode.put("type", FrameType.EVENT.wireName());
				writeEvent(eventNode, event);
			}
			node.put("has_more", response.hasMore());
			node.put("reset", response.reset());
			node.put("last_seq", response.lastSeq());
		}
		else if (frame instanceof MetaFrame meta) {
			node.put("event", meta.event());
			node.set("payload", meta.payload());
		}
		else if (frame instanceof ErrorFrame error) {
			node.put("code", error.code());
			node.put("message", error.message());
			if (error.seq() != null) {
				node.put("seq", error.seq());
			}
		}
		return node;
	}

	private static void writeEvent(ObjectNode node, EventFrame event) {
		if (event.seq() != null) {
			node.put("seq", event.seq());
		}
		if (event.clientId() != null) {
			node.put("client_id", event.clientId());
		}
		if (event.idempotencyKey() != null) {
			node.put("idempotency_key", event.idempotencyKey());
		}
		node.put("event", event.event());
		node.set("payload", event.payload());
		if (event.timestamp() != null) {
			node.put("timestamp", event.timestamp().toString());
		}
	}

	private Frame toFrame(@Nullable JsonNode node) {
		if (node == null || !node.isObject()) {
			throw new ProtocolException("Frame must be a JSON object");
		}
		String typeName = requiredString(node, "type");
		FrameType type = FrameType.fromWireName(typeName);
		if (type == null) {
			throw new ProtocolException("Unknown frame type " + quoted(typeName));
		}
		return switch (type) {
			case EVENT -> readEvent(node);
			case ACK -> new AckFrame(requiredSeq(node, "ack_seq"));
			case RESUME -> new ResumeFrame(requiredString(node, "client_id"), requiredSeq(node, "last_ack_seq"));
			case RESUME_RESPONSE -> readResumeResponse(node);
			case META -> new MetaFrame(requiredName(node, "event"), payload(node));
			case ERROR -> new ErrorFrame(requiredName(node, "code"), optionalString(node, "message", ""),
					optionalSeq(node, "seq"));
		};
	}

	private ResumeResponseFrame readResumeResponse(JsonNode node) {
		JsonNode eventsNode = node.get("events");
		List<EventFrame> events = new ArrayList<>();
		if (eventsNode != null && !eventsNode.isNull()) {
			if (!eventsNode.isArray()) {
				throw new ProtocolException("Field 'events' of a resume_response must be an array");
			}
			for (int i = 0; i < eventsNode.size(); i++) {
				JsonNode eventNode = eventsNode.get(i);
				if (!eventNode.isObject()) {
					throw new ProtocolException("resume_response event " + i + " must be a JSON object");
				}
				String type = optionalString(eventNode, "type", FrameType.EVENT.wireName());
				if (!FrameType.EVENT.wireName().equals(type)) {
					throw new ProtocolException(
							"resume_response event " + i + " has 'type' " + quoted(type) + " instead of 'event'");
				}
				EventFrame event = readEvent(eventNode);
				if (event.seq() == null) {
					throw new ProtocolException("resume_response event " + i + " has no 'seq'");
				}
				events.add(event);
			}
		}
		return new ResumeResponseFrame(requiredSeq(node, "ack_seq"), events, optionalBoolean(node, "has_more"),
				optionalBoolean(node, "reset"), optionalSeqOrZero(node, "last_seq"));
	}

	private EventFrame readEvent(JsonNode node) {
		return new EventFrame(optionalSeq(node, "seq"), optionalString(node, "client_id"),
				optionalString(node, "idempotency_key"), requiredName(node, "event"), payload(node), timestamp(node));
	}

	private static JsonNode payload(JsonNode node) {
		JsonNode payload = node.get("payload");
		return (payload == null || payload.isNull()) ? NODES.objectNode() : payload;
	}

	private static @Nullable Instant timestamp(JsonNode node) {
		String text = optionalString(node, "timestamp");
		if (text == null) {
			return null;
		}
		try {
			return Instant.parse(text);
		}
		catch (DateTimeParseException ex) {
			throw new ProtocolException("Field 'timestamp' is not an ISO-8601 instant: " + quoted(text));
		}
	}

	private static String requiredString(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			throw new ProtocolException("Missing required field '" + field + "'");
		}
		if (!value.isString()) {
			throw new ProtocolException("Field '" + field + "' must be a string");
		}
		return value.stringValue();
	}

	// names from the wire are short; a long one is cut so a message never carries a whole
	// frame
	static String quoted(String text) {
		return "'" + ((text.length() > 40) ? text.substring(0, 40) + "…" : text) + "'";
	}

	private static String requiredName(JsonNode node, String field) {
		String name = requiredString(node, field);
		if (name.isBlank()) {
			throw new ProtocolException("Field '" + field + "' must not be blank");
		}
		return name;
	}

	private static String optionalString(JsonNode node, String field, String fallback) {
		String value = optionalString(node, field);
		return (value != null) ? value : fallback;
	}

	private static @Nullable String optionalString(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString()) {
			throw new ProtocolException("Field '" + field + "' must be a string");
		}
		return value.stringValue();
	}

	private static long requiredSeq(JsonNode node, String field) {
		Long value = optionalSeq(node, field);
		if (value == null) {
			throw new ProtocolException("Missing required field '" + field + "'");
		}
		return value;
	}

	private static long optionalSeqOrZero(JsonNode node, String field) {
		Long value = optionalSeq(node, field);
		return (value != null) ? value : 0;
	}

	private static @Nullable Long optionalSeq(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
			throw new ProtocolException("Field '" + field + "' must be a non-negative integer");
		}
		return value.longValue();
	}

	private static boolean optionalBoolean(JsonNode node, String field) {
		JsonNode value = node.get(field);
		if (value == null || value.isNull()) {
			return false;
		}
		if (!value.isBoolean()) {
			throw new ProtocolException("Field '" + field + "' must be a boolean");
		}
		return value.booleanValue();
	}

}

package dev.realtime.demo.hub;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.ProtocolException;

/**
 * One element of a received text message: a valid frame, or the reason it is not one. An
 * invalid {@code event} that still names its {@code seq} is rejected with that seq, so the
 * client can dead-letter it instead of resending it forever.
 *
 * @param frame the decoded frame, or {@code null} if invalid
 * @param problem why the element is invalid, or {@code null} if valid
 * @param rejectedSeq the seq of an invalid event element, if it has a usable one
 */
record IncomingFrame(@Nullable Frame frame, @Nullable String problem, @Nullable Long rejectedSeq) {

	/**
	 * Decode a text message. The common case (everything valid) decodes once; only a message
	 * with problems is taken apart element by element to tell which ones failed.
	 */
	static List<IncomingFrame> read(String text, FrameCodec codec) {
		List<ProtocolException> problems = new ArrayList<>();
		List<Frame> frames = codec.decode(text, problems::add);
		List<IncomingFrame> result = new ArrayList<>(frames.size() + problems.size());
		if (problems.isEmpty()) {
			frames.forEach((frame) -> result.add(new IncomingFrame(frame, null, null)));
			return result;
		}
		JsonNode root;
		try {
			root = codec.mapper().readTree(text);
		}
		catch (JacksonException ex) {
			root = null;
		}
		if (root == null || !root.isArray()) {
			result.add(new IncomingFrame(null, problems.get(0).getMessage(), rejectedSeq(root)));
			return result;
		}
		for (int i = 0; i < root.size(); i++) {
			result.add(element(root.get(i), i, codec));
		}
		return result;
	}

	private static IncomingFrame element(JsonNode node, int index, FrameCodec codec) {
		if (!node.isObject()) {
			return new IncomingFrame(null, "Batch element " + index + ": Frame must be a JSON object", null);
		}
		try {
			return new IncomingFrame(codec.decodeOne(codec.mapper().writeValueAsString(node)), null, null);
		}
		catch (ProtocolException ex) {
			return new IncomingFrame(null, "Batch element " + index + ": " + ex.getMessage(), rejectedSeq(node));
		}
	}

	private static @Nullable Long rejectedSeq(@Nullable JsonNode node) {
		if (node == null || !node.isObject()) {
			return null;
		}
		JsonNode type = node.get("type");
		JsonNode seq = node.get("seq");
		if (type == null || !type.isString() || !"event".equals(type.stringValue()) || seq == null
				|| !seq.isIntegralNumber() || !seq.canConvertToLong() || seq.longValue() < 1) {
			return null;
		}
		return seq.longValue();
	}

}

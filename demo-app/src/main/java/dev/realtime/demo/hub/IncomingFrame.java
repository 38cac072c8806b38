package dev.realtime.demo.hub;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
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
	 * Decode a text message, each element on its own, so an invalid one is told apart from the
	 * valid ones around it.
	 */
	static List<IncomingFrame> read(String text, FrameCodec codec) {
		JsonNode root;
		try {
			root = codec.readTree(text);
		}
		catch (ProtocolException ex) {
			return List.of(new IncomingFrame(null, ex.getMessage(), null));
		}
		if (!root.isArray()) {
			return List.of(element(root, null, codec));
		}
		List<IncomingFrame> result = new ArrayList<>(root.size());
		for (int i = 0; i < root.size(); i++) {
			result.add(element(root.get(i), i, codec));
		}
		return result;
	}

	private static IncomingFrame element(JsonNode node, @Nullable Integer index, FrameCodec codec) {
		try {
			return new IncomingFrame(codec.decodeFrame(node), null, null);
		}
		catch (ProtocolException ex) {
			String problem = (index != null) ? "Batch element " + index + ": " + ex.getMessage() : ex.getMessage();
			return new IncomingFrame(null, problem, rejectedSeq(node));
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

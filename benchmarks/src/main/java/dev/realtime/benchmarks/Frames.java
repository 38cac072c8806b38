package dev.realtime.benchmarks;

import java.time.Instant;
import java.util.Map;

/**
 * The event every scenario sends, raw or through the starter: the same name and payload,
 * so frames are the same size (about 230 bytes) on both sides.
 */
final class Frames {

	static final String EVENT = "bench.event";

	static final String TEXT = "x".repeat(100);

	static final String PAYLOAD = "{\"text\":\"" + TEXT + "\",\"room\":\"general\"}";

	/** The payload as the starter's callers pass it. */
	static final Map<String, String> PAYLOAD_OBJECT = Map.of("text", TEXT, "room", "general");

	private Frames() {
	}

	/**
	 * Build an event frame with a benchmark key.
	 * @param clientId the client
	 * @param seq the seq, 0 for an unsequenced (at-most-once) event
	 * @param key the key's number
	 * @return the frame's JSON
	 */
	static String event(String clientId, long seq, long key) {
		return event(clientId, seq, BenchHub.KEY_PREFIX + key, EVENT, PAYLOAD);
	}

	static String event(String clientId, long seq, String key, String event, String payload) {
		StringBuilder text = new StringBuilder(280).append("{\"type\":\"event\",");
		if (seq > 0) {
			text.append("\"seq\":").append(seq).append(',');
		}
		return text.append("\"client_id\":\"")
			.append(clientId)
			.append("\",\"idempotency_key\":\"")
			.append(key)
			.append("\",\"event\":\"")
			.append(event)
			.append("\",\"payload\":")
			.append(payload)
			.append(",\"timestamp\":\"")
			.append(Instant.now())
			.append("\"}")
			.toString();
	}

}

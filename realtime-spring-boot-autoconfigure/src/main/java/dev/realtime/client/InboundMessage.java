package dev.realtime.client;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An event the hub delivered to this client's user, in the user's stream order.
 *
 * @param userId the receiving user
 * @param seq the seq in the user's inbound stream
 * @param event the event name
 * @param payload the JSON payload
 * @param timestamp the server's authoritative time
 * @param originClientId the origin's {@code client_id}, if any
 * @param originIdempotencyKey the origin's idempotency key, if any
 */
public record InboundMessage(String userId, long seq, String event, JsonNode payload, @Nullable Instant timestamp,
		@Nullable String originClientId, @Nullable String originIdempotencyKey) {
}

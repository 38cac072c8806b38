package dev.realtime.hub;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An outbound event the hub accepted from a client and stored durably.
 *
 * @param clientId the sending client's {@code client_id}
 * @param seq the client's outbound seq
 * @param userId the sending user
 * @param idempotencyKey the event's idempotency key, if the client sent one
 * @param event the event name
 * @param payload the payload, or an empty object once retention removed it
 * @param clientTimestamp the client's clock when it created the event, if sent
 * @param acceptedAt when the hub accepted it
 */
public record AcceptedEvent(String clientId, long seq, String userId, @Nullable String idempotencyKey, String event,
		JsonNode payload, @Nullable Instant clientTimestamp, Instant acceptedAt) {
}

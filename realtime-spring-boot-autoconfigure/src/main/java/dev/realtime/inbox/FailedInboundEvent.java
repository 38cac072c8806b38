package dev.realtime.inbox;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An inbound event parked after the listeners failed on it
 * {@code realtime.inbox.max-attempts} times.
 *
 * @param userId the receiving user
 * @param seq the seq in the user's inbound stream
 * @param event the event name
 * @param payload the JSON payload
 * @param timestamp the server's time of the event
 * @param attempts the failed listener attempts
 * @param lastError the last listener failure
 * @param receivedAt when the client stored the event
 */
public record FailedInboundEvent(String userId, long seq, String event, JsonNode payload, @Nullable Instant timestamp,
		int attempts, @Nullable String lastError, Instant receivedAt) {
}

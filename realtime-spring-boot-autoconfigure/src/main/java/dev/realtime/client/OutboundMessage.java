package dev.realtime.client;

import java.time.Instant;

import tools.jackson.databind.JsonNode;

/**
 * An outbound event as accepted by {@code sendEvent}, before it has a seq.
 *
 * @param idempotencyKey the idempotency key, unique per user
 * @param event the event name
 * @param payload the JSON payload
 * @param createdAt when the application handed it over
 */
public record OutboundMessage(String idempotencyKey, String event, JsonNode payload, Instant createdAt) {
}

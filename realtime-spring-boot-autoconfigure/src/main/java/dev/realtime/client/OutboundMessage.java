package dev.realtime.client;

import java.time.Instant;

/**
 * An outbound event as accepted by {@code sendEvent}, before it has a seq. Its payload is
 * the JSON text {@code sendEvent} serialized it to, once: the outbox stores that text and
 * the frame carries it as is.
 *
 * @param idempotencyKey the idempotency key, unique per user
 * @param event the event name
 * @param payloadJson the payload as JSON text
 * @param createdAt when the application handed it over
 */
public record OutboundMessage(String idempotencyKey, String event, String payloadJson, Instant createdAt) {
}

package dev.realtime.outbox;

import java.time.Instant;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An outbound event that will not be sent again unless retried: the hub rejected it.
 *
 * @param id the row id, used to retry or delete it
 * @param idempotencyKey the idempotency key, kept on retry
 * @param event the event name
 * @param payload the JSON payload
 * @param createdAt when the application sent it
 * @param seq the seq it was last sent with
 * @param errorCode why: the hub's error code
 * @param errorMessage the explanation
 * @param deadAt when it became a dead letter
 */
public record OutboxDeadLetter(long id, String idempotencyKey, String event, JsonNode payload, Instant createdAt,
		@Nullable Long seq, @Nullable String errorCode, @Nullable String errorMessage, @Nullable Instant deadAt) {
}

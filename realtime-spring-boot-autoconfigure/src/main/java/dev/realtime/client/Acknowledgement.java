package dev.realtime.client;

import java.time.Duration;

import org.jspecify.annotations.Nullable;

/**
 * The server's confirmation that an outbound event was durably accepted.
 *
 * @param idempotencyKey the event's idempotency key
 * @param seq the event's outbound seq, or {@code null} for an at-most-once event
 * (completed when written to the connection, since the server never acks those)
 * @param latency time from {@code sendEvent} to the ack, when known in this process
 */
public record Acknowledgement(String idempotencyKey, @Nullable Long seq, @Nullable Duration latency) {
}

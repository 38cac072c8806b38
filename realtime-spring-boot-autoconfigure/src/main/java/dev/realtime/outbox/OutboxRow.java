package dev.realtime.outbox;

import org.jspecify.annotations.Nullable;

/**
 * A pending or dead row of the outbox.
 *
 * @param id the row's id
 * @param seq the seq given to the event, or {@code null} while it has none
 * @param key the event's idempotency key
 * @param event the event name
 * @param payload the event's JSON payload
 * @param createdAtMicros when the event was created, in microseconds since the epoch
 */
record OutboxRow(long id, @Nullable Long seq, String key, String event, String payload, long createdAtMicros) {
}

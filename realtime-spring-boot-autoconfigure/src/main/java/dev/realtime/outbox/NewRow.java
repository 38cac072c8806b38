package dev.realtime.outbox;

/**
 * An event to insert.
 *
 * @param userId the user whose stream the event joins
 * @param key the event's idempotency key
 * @param event the event name
 * @param payload the event's JSON payload
 * @param createdAtMicros when the event was created, in microseconds since the epoch
 * @param numbered whether it may take its seq as it is inserted: no event handed over
 * before it waits to be numbered by the relay (the sender's order is the seq order)
 */
record NewRow(String userId, String key, String event, String payload, long createdAtMicros, boolean numbered) {
}

package dev.realtime.inbox;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A row of {@code realtime_inbox_event}: an inbound event stored until listeners handled
 * it (then deleted), or parked as failed.
 *
 * @param seq the seq in the user's stream
 * @param event the event name
 * @param payload the JSON payload as text
 * @param serverTimestamp the server's time of the event
 * @param originClientId the client that sent the event, if the hub said
 * @param originIdempotencyKey the sender's idempotency key, if the hub said
 * @param status waiting or parked
 * @param attempts the failed listener attempts
 * @param lastError the last listener failure
 * @param receivedAt when the client stored the event
 */
record StoredEvent(long seq, String event, String payload, @Nullable Instant serverTimestamp,
		@Nullable String originClientId, @Nullable String originIdempotencyKey, InboxStatus status, int attempts,
		@Nullable String lastError, Instant receivedAt) {

}

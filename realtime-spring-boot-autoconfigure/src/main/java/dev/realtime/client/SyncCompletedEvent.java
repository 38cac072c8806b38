package dev.realtime.client;

import java.time.Instant;

/**
 * The client caught up with the hub: the resume after a (re)connect, or after a gap, has
 * received its last page ({@code has_more: false}) and stored every missed event. Until
 * then the client may be connected yet still paging through what it missed.
 *
 * @param userId the user
 * @param pages the number of {@code resume_response} pages the catch-up took
 * @param reset whether the hub reset the stream during the catch-up (a
 * {@link SyncResetEvent} was published: events in between are gone)
 * @param completedAt when the last page arrived
 */
public record SyncCompletedEvent(String userId, int pages, boolean reset, Instant completedAt) {
}

package dev.realtime.client;

/**
 * The hub said the client was further behind than its retention window: the local inbound
 * store was cleared and the stream continues after {@code lastSeq}. Events in between are
 * gone; the application should reload its state from its source of truth.
 *
 * @param userId the user
 * @param lastSeq the seq the stream continues after
 */
public record SyncResetEvent(String userId, long lastSeq) {
}

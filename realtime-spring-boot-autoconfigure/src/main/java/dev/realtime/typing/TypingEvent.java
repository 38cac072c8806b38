package dev.realtime.typing;

/**
 * A user started or stopped typing in a channel (stopped includes expired).
 *
 * @param channelId the channel
 * @param userId the user
 * @param typing whether the user is typing now
 */
public record TypingEvent(String channelId, String userId, boolean typing) {
}

package dev.realtime.receipts;

import java.time.Instant;

/**
 * A user read a message.
 *
 * @param messageId the message
 * @param channelId the channel the message is in
 * @param userId the reader
 * @param readAt when the hub accepted the receipt (the reader's clock for the own
 * receipts)
 */
public record ReadReceipt(String messageId, String channelId, String userId, Instant readAt) {
}

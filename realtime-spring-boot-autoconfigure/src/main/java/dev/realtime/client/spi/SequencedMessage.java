package dev.realtime.client.spi;

import dev.realtime.client.OutboundMessage;

/**
 * An outbound event claimed for sending, with its outbound seq. The seq is assigned on
 * first claim and kept on every resend.
 *
 * @param seq the outbound seq
 * @param message the event
 */
public record SequencedMessage(long seq, OutboundMessage message) {
}

package dev.realtime.client.internal;

import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.OutboundQueue;

/**
 * The user's outbound queue and inbound store, with the strand that writes the inbound
 * store in order (and reads its cursor after those writes).
 *
 * @param outbound the user's outbound queue
 * @param inbound the user's inbound store
 * @param inboundStrand runs the inbound store's writes and reads, in order
 */
record UserStores(OutboundQueue outbound, InboundStore inbound, Strand inboundStrand) {
}

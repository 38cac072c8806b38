package dev.realtime.client.spi;

/**
 * What {@link OutboundQueue#resequenceAbove(long)} did: the hub had accepted seqs the
 * queue never gave out, so the queue's unacked events took new seqs above them.
 *
 * @param storeSeq the highest seq the queue had given out: the hub's seqs after it are
 * unknown to the queue
 * @param events how many unacked events took a new seq
 */
public record Resequencing(long storeSeq, long events) {
}

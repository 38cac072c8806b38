package dev.realtime.outbox;

/**
 * What {@link #shiftAbove} moved.
 *
 * @param storeSeq the highest seq the counter had given out
 * @param delta what was added to each sequenced seq and to the counter, 0 if nothing
 * moved
 * @param rows how many rows moved
 */
record Shift(long storeSeq, long delta, int rows) {
}

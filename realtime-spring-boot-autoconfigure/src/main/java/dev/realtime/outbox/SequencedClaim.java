package dev.realtime.outbox;

import java.util.List;

/**
 * The numbered rows a claim read, and whether new rows wait to be numbered.
 *
 * @param rows the numbered rows, in seq order
 * @param newWaiting whether a new row waits
 * @param held whether this instance held the lease (else nothing was read)
 */
record SequencedClaim(List<OutboxRow> rows, boolean newWaiting, boolean held) {
}

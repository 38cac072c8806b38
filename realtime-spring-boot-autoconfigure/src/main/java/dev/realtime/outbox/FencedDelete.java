package dev.realtime.outbox;

import org.jspecify.annotations.Nullable;

/**
 * What a single-statement fenced delete saw and did.
 *
 * @param relayOwner the instance holding the lease, or {@code null} if none
 * @param relayEpoch the lease's epoch
 * @param deleted the number of acked rows deleted
 */
record FencedDelete(@Nullable String relayOwner, long relayEpoch, int deleted) {
}

package dev.realtime.outbox;

import org.jspecify.annotations.Nullable;

/**
 * A user's stream as locked by the relay.
 *
 * @param clientId the client id of the stream
 * @param relayOwner the instance holding the lease, or {@code null} if none
 * @param relayEpoch the lease's epoch
 */
record ClientRow(String clientId, @Nullable String relayOwner, long relayEpoch) {
}

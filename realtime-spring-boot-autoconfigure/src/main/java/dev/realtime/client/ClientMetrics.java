package dev.realtime.client;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of a client's activity since it was created, and of its stores.
 *
 * @param reconnects connections restored after a loss
 * @param messagesSent outbound events written to the connection, resends included
 * @param messagesAcked outbound events the hub acked
 * @param messagesReceived inbound events stored
 * @param duplicatesDropped inbound events dropped because their seq was already stored
 * @param invalidFrames received frames that were not valid protocol frames, or whose
 * content broke the protocol's rules (see {@link ObservableClient#countInvalidFrame()})
 * @param queueSize outbound events waiting for an ack
 * @param deadLetters outbound events given up on
 * @param failedInbound inbound events parked after their listeners kept failing
 * @param averageReconnectTime mean time from losing the connection to being connected
 * again, zero before the first reconnect
 * @param messagesDeadLettered outbound events this client gave up on (rejected by the hub
 * or out of attempts), whereas {@code deadLetters} is what the store holds now
 * @param messagesParked inbound events this client parked as failed, whereas
 * {@code failedInbound} is what the store holds now
 * @param oldestPendingCreatedAt when the oldest outbound event waiting for an ack was
 * handed over, {@code null} when none is waiting or the outbound queue does not track it
 * @param messagesDropped at-most-once events dropped: not connected, or the connection's
 * write buffer was full (rejected with code {@code backpressure})
 * @param outboundResequences times a resume's {@code ack_seq} was above every seq the
 * outbound queue gave out (its database restored from a backup, for example), so its
 * unacked events took new seqs above it
 */
public record ClientMetrics(long reconnects, long messagesSent, long messagesAcked, long messagesReceived,
		long duplicatesDropped, long invalidFrames, long queueSize, long deadLetters, long failedInbound,
		Duration averageReconnectTime, long messagesDeadLettered, long messagesParked,
		@Nullable Instant oldestPendingCreatedAt, long messagesDropped, long outboundResequences) {
}

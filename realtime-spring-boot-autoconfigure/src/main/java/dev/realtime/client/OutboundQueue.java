package dev.realtime.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where one user's sequenced outbound events wait until the server acks them. The in-memory
 * implementation keeps them until the process ends; the JPA outbox keeps them in the
 * application's database, written inside the caller's transaction.
 * <p>
 * {@link #enqueue} is called from application threads; every other method from the client's
 * relay, one call at a time.
 */
public interface OutboundQueue {

	/**
	 * Return the {@code client_id} that names this queue's seq stream: generated once and kept
	 * as long as the queue's storage is, replaced by {@link #clear()}.
	 * @return the client id
	 */
	String clientId();

	/**
	 * Accept an event. Durable implementations join the caller's transaction when there is one.
	 * @param message the event
	 * @param durable whether the event must survive a restart ({@code false} for
	 * {@link DeliveryStrategy#BEST_EFFORT_ORDERED}: kept in memory, in the same seq stream)
	 * @param outcome told when the event becomes claimable (at once, or when the caller's
	 * transaction commits) or is discarded (the caller's transaction rolled back)
	 * @throws OutboundQueueFullException if the queue holds its maximum number of events
	 */
	void enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome);

	/**
	 * Claim up to {@code max} events for sending, in seq order: first the ones already
	 * sequenced but not acked (resends keep their seq and idempotency key), then new ones, each
	 * given the next seq of this user's stream. A claimed event is not claimed again until
	 * {@link #releaseClaims()} or until its claim expires.
	 * @param max the most events to claim
	 * @return the claimed events, possibly none
	 */
	List<SequencedMessage> claim(int max);

	/**
	 * Complete every event with a seq up to and including {@code ackSeq} (cumulative ack).
	 * @param ackSeq the highest acked seq
	 */
	void acknowledge(long ackSeq);

	/**
	 * Move the event with this seq to the dead letters: it is never resent.
	 * @param seq the event's seq
	 * @param code why, for example a server error code
	 * @param message a human-readable explanation
	 */
	void deadLetter(long seq, String code, String message);

	/**
	 * Make every claimed but unacked event claimable again, for a resend after reconnect.
	 */
	void releaseClaims();

	/**
	 * Return the number of events waiting to be acked, dead letters excluded.
	 * @return the pending count
	 */
	long pendingCount();

	/**
	 * Return when the oldest event still waiting to be acked was handed over, for the age of
	 * the backlog. Called by metrics and health checks: implementations over a database should
	 * answer from an index.
	 * @return the creation time of the oldest pending event, empty when none is pending or the
	 * implementation does not track it
	 */
	default Optional<Instant> oldestPendingCreatedAt() {
		return Optional.empty();
	}

	/**
	 * Return the number of dead letters.
	 * @return the dead letter count
	 */
	long deadLetterCount();

	/**
	 * Delete all of this user's outbound events and dead letters, and start a new
	 * {@code client_id} with its seq stream at 1.
	 */
	void clear();

}

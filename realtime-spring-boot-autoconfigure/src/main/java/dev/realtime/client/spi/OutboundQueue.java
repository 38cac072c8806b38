package dev.realtime.client.spi;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.OutboxWriteException;

/**
 * Where one user's sequenced outbound events wait until the server acks them. The
 * in-memory implementation keeps them until the process ends; the database outbox keeps
 * them in the application's database, written inside the caller's transaction.
 * <p>
 * {@link #enqueue} is called from application threads; the lease, claim, ack and
 * dead-letter methods from the client's relay thread, one call at a time. Durable
 * implementations shared by several instances of an application fence those writes with
 * the user's lease: only the instance holding it connects for the user, relays and
 * receives.
 */
public interface OutboundQueue {

	/**
	 * Return the {@code client_id} that names this queue's seq stream: generated once and
	 * kept as long as the queue's storage is, replaced by {@link #clear()}.
	 * @return the client id
	 */
	String clientId();

	/**
	 * Accept an event, unless an event with its idempotency key is already pending.
	 * Durable implementations join the caller's transaction when there is one.
	 * @param message the event
	 * @param durable whether the event must survive a restart ({@code false} for
	 * {@link DeliveryStrategy#BEST_EFFORT_ORDERED}: kept in memory, in the same seq
	 * stream)
	 * @param outcome told when the event becomes claimable (at once, or when the caller's
	 * transaction commits) or is discarded (the caller's transaction rolled back)
	 * @return {@code false} when an event with the same idempotency key was pending:
	 * nothing was added and the pending one stands for both
	 * @throws OutboundQueueFullException if the queue holds its maximum number of events
	 * @throws OutboxWriteException if a durable queue could not store the event in time
	 */
	boolean enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome);

	/**
	 * Set what to run after events became claimable other than through {@link #enqueue},
	 * for example a dead letter retried through an administrative API: the client's relay
	 * registers its wake-up here, so such events are sent without waiting for its next
	 * poll. A queue serves one client at a time: a later call replaces the earlier
	 * listener. Queues whose events change only through this interface need not implement
	 * it.
	 * @param listener quick and non-blocking; run on the thread that made the change,
	 * after it committed
	 */
	default void onClaimable(Runnable listener) {
	}

	/**
	 * Set what to run when this instance gained or lost the user's lease other than
	 * through {@link #acquireLease()}, for example when a coordinator that leases many
	 * users at once took it: the client's relay registers a poll here, so it connects or
	 * stands by at once rather than at its next poll. A later call replaces the earlier
	 * listener. Queues whose lease changes only through this interface need not implement
	 * it.
	 * @param listener quick and non-blocking
	 */
	default void onLeaseChanged(Runnable listener) {
	}

	/**
	 * Take the user's lease, or renew it when this instance holds it.
	 * @return whether this instance holds the lease: only then may it connect for the
	 * user
	 */
	default boolean acquireLease() {
		return true;
	}

	/**
	 * Give the lease up, so another instance can take over at once.
	 */
	default void releaseLease() {
	}

	/**
	 * Claim up to {@code max} events for sending, in seq order: first the ones already
	 * sequenced but not claimed since {@link #releaseClaims()} (resends keep their seq
	 * and idempotency key), then new ones, each given the next seq of this user's stream.
	 * @param max the most events to claim
	 * @return the claimed events, possibly none
	 * @throws LeaseLostException if another instance took the user's lease
	 */
	List<SequencedMessage> claim(int max);

	/**
	 * Complete every event with a seq up to and including {@code ackSeq} (cumulative
	 * ack).
	 * @param ackSeq the highest acked seq, at most {@link #highestSeq()}
	 * @return how many pending events were completed
	 * @throws LeaseLostException if another instance took the user's lease
	 */
	long acknowledge(long ackSeq);

	/**
	 * Move the event with this seq to the dead letters: it is never resent.
	 * @param seq the event's seq
	 * @param code why, for example a server error code
	 * @param message a human-readable explanation
	 * @return whether there was such a pending event
	 * @throws LeaseLostException if another instance took the user's lease
	 */
	boolean deadLetter(long seq, String code, String message);

	/**
	 * The hub answered a resume with an {@code ack_seq} above every seq this client
	 * recorded as sent. If it is also above every seq this queue ever gave out, the hub
	 * accepted seqs the queue does not know (its storage was restored from a backup, for
	 * example), and those seqs may stand for other events than the queue's: move the seq
	 * counter past {@code ackSeq} and give every event waiting for its ack a new seq
	 * above it, in the order of the old ones and with the same idempotency key (the hub
	 * deduplicates by key the ones it accepted), complete nothing, and make the events
	 * claimable again; seqs given out from then on follow them. Durable implementations
	 * do this in one transaction fenced by the lease. If {@code ackSeq} is within the
	 * seqs given out (a crash lost the record of what was sent), change nothing: the
	 * events are resent with their seqs and the hub deduplicates them.
	 * @param ackSeq the hub's {@code ack_seq}
	 * @return what was renumbered, or {@code null} when {@code ackSeq} is not above every
	 * seq given out
	 * @throws LeaseLostException if another instance took the user's lease
	 */
	@Nullable Resequencing resequenceAbove(long ackSeq);

	/**
	 * Make every sequenced but unacked event claimable again, for a resend after
	 * reconnect.
	 */
	void releaseClaims();

	/**
	 * Return the highest seq this queue claimed for sending, by this process or, for a
	 * durable queue, any before it: the bound of the hub's acks. 0 before the first.
	 * @return the highest seq
	 */
	long highestSeq();

	/**
	 * Return the number of events waiting to be acked, dead letters excluded.
	 * @return the pending count
	 */
	long pendingCount();

	/**
	 * Return when the oldest event still waiting to be acked was handed over, for the age
	 * of the backlog. Called by metrics and health checks: implementations over a
	 * database should answer from an index.
	 * @return the creation time of the oldest pending event, empty when none is pending
	 * or the implementation does not track it
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

package dev.realtime.outbox;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.spi.LeaseLostException;

/**
 * One instance's hold on a user's relay lease in {@code realtime_client}, timed by the
 * database's clock. Relay writes run {@linkplain #fenced fenced}: in a transaction that
 * locks the user's row and checks the lease's owner and epoch, so an instance that lost
 * the lease while paused can neither number, delete nor dead-letter a row.
 * <p>
 * The lease of a user registered through {@link JdbcUserAssignments} is
 * {@linkplain #manage managed}: the assignments take it and renew it together with the
 * instance's other leases, in one statement per poll, and {@linkplain #grant grant} it
 * here; the fenced writes are the same.
 */
final class RelayLease {

	private final String userId;

	private final String owner;

	private final long leaseMillis;

	private final OutboxRepository repository;

	private final TransactionTemplate transaction;

	/** The epoch of the lease this instance holds, or -1. */
	private volatile long epoch = -1;

	/**
	 * The highest seq given to a connection, by this instance's claims or, as a take of
	 * the lease read it, by earlier holders: the bound of the hub's acks, recorded when
	 * the lease is given up.
	 */
	private final AtomicLong sent = new AtomicLong();

	/** Whether {@link JdbcUserAssignments} takes and renews the lease. */
	private volatile boolean managed;

	/** Whether the lease was granted and the queue has not taken note of it yet. */
	private final AtomicBoolean granted = new AtomicBoolean();

	RelayLease(String userId, String owner, long leaseMillis, OutboxRepository repository,
			TransactionTemplate transaction) {
		this.userId = userId;
		this.owner = owner;
		this.leaseMillis = leaseMillis;
		this.repository = repository;
		this.transaction = transaction;
	}

	/**
	 * Let {@link JdbcUserAssignments} take and renew the lease, or stop doing so.
	 * @param managed whether the assignments manage the lease
	 */
	void manage(boolean managed) {
		this.managed = managed;
	}

	boolean isManaged() {
		return this.managed;
	}

	/**
	 * The assignments took the lease for this instance.
	 * @param epoch the lease's epoch
	 * @param sentSeq the highest seq sent, as the take saw it
	 */
	void grant(long epoch, long sentSeq) {
		this.epoch = epoch;
		sent(sentSeq);
		this.granted.set(true);
	}

	/**
	 * Take note of a grant.
	 * @return whether the lease was granted since the last call
	 */
	boolean takeGrant() {
		return this.granted.getAndSet(false);
	}

	/**
	 * Return the epoch of the lease this instance holds.
	 * @return the epoch, or -1 when it holds none
	 */
	long epoch() {
		return this.epoch;
	}

	/**
	 * Renew the lease this instance holds.
	 * @return whether it still holds it
	 */
	boolean renew() {
		long current = this.epoch;
		if (current < 0) {
			return false;
		}
		Boolean renewed = this.transaction
			.execute((status) -> this.repository.renewLease(this.userId, this.owner, current, this.leaseMillis));
		if (Boolean.TRUE.equals(renewed)) {
			return true;
		}
		this.epoch = -1;
		return false;
	}

	/**
	 * Take the lease if nobody holds an unexpired one.
	 * @return whether it was taken, {@code false} when another instance holds it
	 */
	boolean take() {
		Optional<long[]> acquired = this.transaction.execute((status) -> Optional
			.ofNullable(this.repository.acquireLease(this.userId, this.owner, this.leaseMillis)));
		if (acquired == null || acquired.isEmpty()) {
			return false;
		}
		this.epoch = acquired.get()[0];
		sent(acquired.get()[1]);
		return true;
	}

	/**
	 * Take the lease for the queue, as the assignments do for a pinned user: as
	 * {@link #take()} does, and the queue takes note of it as of a grant.
	 * @return whether it was taken, {@code false} when another instance holds it
	 */
	boolean takeAsGrant() {
		if (!take()) {
			return false;
		}
		this.granted.set(true);
		return true;
	}

	/**
	 * Take note of the highest seq given to a connection.
	 * @param seq the highest seq claimed
	 */
	void sent(long seq) {
		this.sent.accumulateAndGet(seq, Math::max);
	}

	/**
	 * Return the highest seq given to a connection, as far as this instance knows.
	 * @return the highest seq, or 0 if none
	 */
	long sentSeq() {
		return this.sent.get();
	}

	/**
	 * Give the lease up at once, so another instance need not wait for it to expire, and
	 * record the bound of acks: the next holder's hub may ack everything sent here.
	 */
	void release() {
		long current = this.epoch;
		if (current >= 0) {
			this.epoch = -1;
			long sentSeq = this.sent.get();
			this.transaction.executeWithoutResult(
					(status) -> this.repository.releaseLease(this.userId, this.owner, current, sentSeq));
		}
	}

	/**
	 * Forget the lease without writing: its rows are gone.
	 */
	void forget() {
		this.epoch = -1;
		this.sent.set(0);
	}

	/**
	 * Run relay work in a transaction that holds the user's row lock, if this instance
	 * still holds the lease it had.
	 * @param <T> the type of the work's result
	 * @param work the work, given the locked stream
	 * @return the work's result
	 * @throws LeaseLostException if another instance holds the lease now
	 */
	<T> T fenced(Function<ClientRow, T> work) {
		long expected = this.epoch;
		T result = this.transaction.execute((status) -> {
			ClientRow client = this.repository.lockClient(this.userId);
			if (client == null) {
				throw lost(null, expected);
			}
			check(client.relayOwner(), client.relayEpoch(), expected);
			return work.apply(client);
		});
		if (result == null) {
			throw new IllegalStateException("No result from the outbox transaction");
		}
		return result;
	}

	/**
	 * Read the numbered rows after a seq without a lock, if this instance holds the lease
	 * as far as the database knows; a sent row is sent again only to the same seq, which
	 * a hub deduplicates, so the read needs no fence, only the writes do.
	 * @param afterSeq the highest seq claimed already
	 * @param max the most rows to read
	 * @return the rows, and whether new rows wait to be numbered (none if another
	 * instance holds the lease)
	 * @throws LeaseLostException if this instance knows it holds no lease
	 */
	SequencedClaim claimSequenced(long afterSeq, int max) {
		long expected = this.epoch;
		if (expected < 0) {
			throw lost(null, expected);
		}
		SequencedClaim claim = this.repository.claimSequenced(this.userId, afterSeq, this.owner, expected, max);
		if (!claim.held()) {
			throw lost(null, expected);
		}
		return claim;
	}

	/**
	 * Delete acked rows and raise the bound of acks in one statement that also locks and
	 * checks the lease (where the database allows it, see
	 * {@link OutboxRepository#deletesAckedFenced()}).
	 * @param ackSeq the hub's cumulative ack
	 * @param sentSeq the highest seq given to a connection
	 * @return the rows deleted
	 * @throws LeaseLostException if another instance holds the lease now
	 */
	int deleteAcked(long ackSeq, long sentSeq) {
		long expected = this.epoch;
		Integer deleted = this.transaction.execute((status) -> {
			FencedDelete done = this.repository.deleteAckedFenced(this.userId, ackSeq, sentSeq, this.owner, expected);
			if (done == null) {
				throw lost(null, expected);
			}
			check(done.relayOwner(), done.relayEpoch(), expected);
			return done.deleted();
		});
		return (deleted != null) ? deleted : 0;
	}

	/**
	 * Throw unless the locked stream still names this instance and the epoch it took the
	 * lease with (which rolls the transaction back).
	 * @param relayOwner the instance holding the lease, as the lock saw it
	 * @param relayEpoch the lease's epoch, as the lock saw it
	 * @param expected the epoch this instance took the lease with
	 */
	private void check(@Nullable String relayOwner, long relayEpoch, long expected) {
		if (!this.owner.equals(relayOwner) || relayEpoch != expected) {
			throw lost(relayEpoch, expected);
		}
	}

	private LeaseLostException lost(@Nullable Long epochNow, long expected) {
		if (this.managed && this.epoch == expected) {
			// held by another instance now: stand by until the assignments grant it again
			this.epoch = -1;
		}
		return new LeaseLostException("The lease of user '" + this.userId + "' passed to another instance"
				+ ((epochNow != null) ? " (epoch " + epochNow + ", this one held " + expected + ")" : ""));
	}

}

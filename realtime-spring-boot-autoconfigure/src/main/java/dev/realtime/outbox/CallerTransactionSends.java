package dev.realtime.outbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.transaction.support.TransactionSynchronization;

import dev.realtime.client.spi.EnqueueOutcome;

/**
 * The durable events one user sent in one caller's transaction, held until just before it
 * commits and then written in one JDBC batch, still in that transaction: 100 sends cost
 * one round trip rather than 100. A rollback writes nothing; a rollback to a savepoint (a
 * nested transaction) forgets the sends made since it; a transaction started with
 * {@code REQUIRES_NEW} has sends of its own, as it has synchronizations of its own. Each
 * send reserved its room in the counts, so the pending count includes the sends waiting
 * here. Spring's {@link TransactionSynchronization} calls are the ones used, savepoint
 * calls included: nothing here is bound to the thread but this synchronization.
 */
final class CallerTransactionSends implements TransactionSynchronization {

	private final DurableEnqueue owner;

	private final UserRows rows;

	private final OutboxCounts counts;

	private final UnnumberedRows unnumbered;

	private final List<Send> sends = new ArrayList<>();

	private final Set<String> keys = new HashSet<>();

	/** How many sends each savepoint created since the first send had before it. */
	private final Map<Object, Integer> savepoints = new IdentityHashMap<>();

	/** Sends whose room is reserved: all until written, then those inserted. */
	private int reserved;

	/** Whether the held sends were written: later ones are written as they come. */
	private boolean written;

	CallerTransactionSends(DurableEnqueue owner, UserRows rows, OutboxCounts counts, UnnumberedRows unnumbered) {
		this.owner = owner;
		this.rows = rows;
		this.counts = counts;
		this.unnumbered = unnumbered;
	}

	/**
	 * Return whether these are the sends of a queue.
	 * @param enqueue the queue's durable enqueue
	 * @return whether they are
	 */
	boolean of(DurableEnqueue enqueue) {
		return this.owner == enqueue;
	}

	/**
	 * Hold an event whose room is reserved, to write before the commit; once the held
	 * events are written, write it at once.
	 * @param row the event's row
	 * @param outcome told what became of the event once the transaction completes
	 * @return whether it is held or written, {@code false} if an event with its key
	 * already is, or is pending (the room is the caller's to release then)
	 */
	boolean add(NewRow row, EnqueueOutcome outcome) {
		if (!this.keys.add(row.key())) {
			return false;
		}
		// a send from a synchronization that runs after this one's beforeCommit (a
		// listener of the commit, a flush at commit): still in the transaction
		if (this.written && this.rows.repository().insertAllIfAbsent(List.of(row)) == 0) {
			return false;
		}
		this.sends.add(new Send(row, outcome));
		this.reserved++;
		return true;
	}

	@Override
	public void savepoint(Object savepoint) {
		this.savepoints.put(savepoint, this.sends.size());
	}

	@Override
	public void savepointRollback(Object savepoint) {
		// a savepoint unknown here was created before the first send: all came after it
		Integer before = this.savepoints.remove(savepoint);
		int keep = (before != null) ? before : 0;
		while (this.sends.size() > keep) {
			Send send = this.sends.remove(this.sends.size() - 1);
			this.keys.remove(send.row().key());
			this.reserved--;
			this.counts.release();
			send.outcome().discarded();
		}
	}

	@Override
	public void beforeCommit(boolean readOnly) {
		this.written = true;
		if (this.sends.isEmpty()) {
			return;
		}
		int inserted = this.rows.repository().insertAllIfAbsent(this.sends.stream().map(Send::row).toList());
		// a key pending from an earlier transaction is that event: its row is not written
		for (int i = inserted; i < this.reserved; i++) {
			this.counts.release();
		}
		this.reserved = inserted;
	}

	@Override
	public void afterCompletion(int status) {
		if (status == STATUS_COMMITTED) {
			if (this.reserved > 0) {
				this.unnumbered.committed();
			}
			this.sends.forEach((send) -> send.outcome().claimable());
			return;
		}
		for (int i = 0; i < this.reserved; i++) {
			this.counts.release();
		}
		this.sends.forEach((send) -> send.outcome().discarded());
	}

	/**
	 * An event held for the commit.
	 *
	 * @param row its row
	 * @param outcome told what became of it
	 */
	private record Send(NewRow row, EnqueueOutcome outcome) {
	}

}

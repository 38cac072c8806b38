package dev.realtime.outbox;

import javax.sql.DataSource;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.spi.EnqueueOutcome;

/**
 * Writes a user's durable events as rows of {@code realtime_outbox}: in the caller's
 * transaction when {@code sendEvent} runs in one, so the event commits or rolls back with
 * the caller's data (held until just before the commit and written in one batch,
 * {@link CallerTransactionSends}), or else by the instance's group commit.
 * <p>
 * Rows from a caller's transaction cannot take a seq as they are written (the counter
 * would stay locked until the caller commits): they are new rows that the relay numbers
 * once committed. A group commit numbers the rows it writes while this instance relays
 * and hands the events over to the relay, which then sends them without reading them
 * back.
 */
final class DurableEnqueue {

	private final UserRows rows;

	private final OutboxWriter writer;

	/** The DataSource a caller's transaction must manage for its events to join it. */
	private final DataSource dataSource;

	private final WrittenRows written;

	private final UnnumberedRows unnumbered;

	private final OutboxCounts counts;

	DurableEnqueue(UserRows rows, OutboxWriter writer, DataSource dataSource, WrittenRows written,
			UnnumberedRows unnumbered, OutboxCounts counts) {
		this.rows = rows;
		this.writer = writer;
		this.dataSource = dataSource;
		this.written = written;
		this.unnumbered = unnumbered;
		this.counts = counts;
	}

	/**
	 * Write a durable event, once room for it is reserved.
	 * @param message the event
	 * @param numbered whether it may take its seq as it is written
	 * @param outcome told when the event may be claimed, or that a caller's transaction
	 * discarded it
	 * @return whether it was written, or held for the caller's commit; {@code false} if
	 * its idempotency key was pending, or held already
	 */
	boolean enqueue(OutboundMessage message, boolean numbered, EnqueueOutcome outcome) {
		NewRow row = this.rows.toRow(message, numbered);
		this.counts.reserveDurable();
		boolean joined;
		boolean inserted;
		try {
			joined = inCallersTransaction();
			if (joined) {
				inserted = callersTransactionSends().add(row, outcome);
			}
			else {
				// as a resend reads it from the row, so both send the same time
				OutboundMessage kept = new OutboundMessage(message.idempotencyKey(), message.event(),
						message.payloadJson(), OutboxRepository.instant(row.createdAtMicros()));
				Stored stored = this.writer.write(row, (seq) -> handOver(seq, kept));
				inserted = stored.inserted();
				if (stored.equals(Stored.NEW)) {
					this.unnumbered.committed();
				}
			}
		}
		catch (RuntimeException ex) {
			this.counts.release();
			throw ex;
		}
		if (!inserted) {
			this.counts.release();
			return false;
		}
		if (!joined) {
			outcome.claimable();
		}
		return true;
	}

	/**
	 * Keep an event the group commit numbered for the relay, or tell it to read the
	 * database.
	 * @param seq the event's seq
	 * @param message the event
	 */
	private void handOver(long seq, OutboundMessage message) {
		if (!this.written.add(seq, message)) {
			this.unnumbered.mayWait();
		}
	}

	private boolean inCallersTransaction() {
		if (!TransactionSynchronizationManager.isActualTransactionActive()) {
			return false;
		}
		if (TransactionSynchronizationManager.getResource(this.dataSource) == null) {
			throw new IllegalStateException("sendEvent was called in a transaction that does not manage the "
					+ "DataSource of the realtime outbox, so the event could not commit with it: use the "
					+ "application's transaction manager for that DataSource, or send outside the transaction");
		}
		return true;
	}

	/**
	 * Return this queue's sends of the current transaction: those of a transaction that
	 * suspended it ({@code REQUIRES_NEW}) are not among its synchronizations.
	 * @return the sends, registered with the transaction on the first one
	 */
	private CallerTransactionSends callersTransactionSends() {
		for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
			if (synchronization instanceof CallerTransactionSends sends && sends.of(this)) {
				return sends;
			}
		}
		CallerTransactionSends sends = new CallerTransactionSends(this, this.rows, this.counts, this.unnumbered);
		TransactionSynchronizationManager.registerSynchronization(sends);
		return sends;
	}

}

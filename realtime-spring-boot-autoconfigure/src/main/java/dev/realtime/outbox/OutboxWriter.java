package dev.realtime.outbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.client.OutboxWriteException;
import dev.realtime.client.OutboxWriteException.Outcome;

/**
 * Group commit for {@code sendEvent} calls outside a caller's transaction: one thread
 * inserts whatever the senders handed over since its last commit in one transaction (on
 * PostgreSQL in one statement), so many senders share each commit (the commit's flush to
 * disk is the cost of a durable send). The rows take their seqs as they are inserted, so
 * the relay only reads them. Each sender waits at most the write timeout for its commit.
 */
final class OutboxWriter {

	private static final Log logger = LogFactory.getLog(OutboxWriter.class);

	/** The most events one commit carries. */
	private static final int MAX_GROUP = 1000;

	/**
	 * The longest a group waits for the senders of the last one: a fraction of a commit's
	 * flush, and nothing for a lone sender.
	 */
	private static final long GATHER_NANOS = 100_000;

	private final OutboxRepository repository;

	private final long timeoutNanos;

	private final BlockingQueue<Write> writes = new LinkedBlockingQueue<>();

	private final Thread thread;

	private volatile boolean running = true;

	OutboxWriter(OutboxRepository repository, Duration timeout) {
		this.repository = repository;
		this.timeoutNanos = timeout.toNanos();
		this.thread = new Thread(this::run, "realtime-outbox-writer");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Store an event in the next group commit and wait for it.
	 * @param row the event to insert
	 * @param numbered told the event's seq if the commit numbered it, on the writer's
	 * thread before the sender hears of it, so it hears of a user's events in seq order
	 * @return whether and how it was stored
	 * @throws OutboxWriteException if it was not committed within the timeout or the
	 * database failed
	 */
	Stored write(NewRow row, LongConsumer numbered) {
		Write write = new Write(row, numbered);
		this.writes.add(write);
		try {
			return write.result.get(this.timeoutNanos, TimeUnit.NANOSECONDS);
		}
		catch (TimeoutException ex) {
			// still waiting for its group: withdrawn, nothing will be written
			Outcome outcome = this.writes.remove(write) ? Outcome.NOT_WRITTEN : Outcome.UNKNOWN;
			throw new OutboxWriteException(outcome,
					"The database did not store event '" + row.event() + "' within "
							+ Duration.ofNanos(this.timeoutNanos).toMillis() + " ms (realtime.outbox.write-timeout); "
							+ describe(outcome),
					ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof OutboxWriteException failure) ? failure
					: new OutboxWriteException(Outcome.UNKNOWN, "Storing event '" + row.event() + "' failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			Outcome outcome = this.writes.remove(write) ? Outcome.NOT_WRITTEN : Outcome.UNKNOWN;
			throw new OutboxWriteException(outcome,
					"Interrupted while storing event '" + row.event() + "'; " + describe(outcome), ex);
		}
	}

	private static String describe(Outcome outcome) {
		return (outcome == Outcome.NOT_WRITTEN) ? "it was not written"
				: "its commit was under way, so it may still be stored and delivered";
	}

	private void run() {
		List<Write> group = new ArrayList<>();
		int senders = 1;
		while (this.running) {
			try {
				group.add(this.writes.take());
			}
			catch (InterruptedException ex) {
				return;
			}
			this.writes.drainTo(group, MAX_GROUP - 1);
			gather(group, senders);
			senders = group.size();
			commit(group);
			group.clear();
		}
	}

	/**
	 * Wait a little for the senders of the last group, who were woken by its commit and
	 * are handing over their next events, so that they share the next commit instead of
	 * splitting into a small commit and a large one.
	 * @param group the writes taken so far
	 * @param senders how many writes the last group had
	 */
	private void gather(List<Write> group, int senders) {
		long deadline = System.nanoTime() + GATHER_NANOS;
		while (group.size() < senders) {
			Write next;
			try {
				next = this.writes.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
			}
			catch (InterruptedException ex) {
				// stopping: what was taken is still committed, or fails with a clear
				// outcome
				Thread.currentThread().interrupt();
				return;
			}
			if (next == null) {
				return;
			}
			group.add(next);
			this.writes.drainTo(group, MAX_GROUP - group.size());
		}
	}

	private void commit(List<Write> group) {
		List<NewRow> rows = new ArrayList<>(group.size());
		group.forEach((write) -> rows.add(write.row));
		Stored[] stored;
		try {
			stored = this.repository.insertGroup(rows);
		}
		catch (UncertainCommitException ex) {
			failAll(group, Outcome.UNKNOWN, "the commit failed", ex);
			return;
		}
		catch (RuntimeException ex) {
			// rolled back before the commit, or the connection broke before
			// it: the server ends such a transaction without committing it
			failAll(group, Outcome.NOT_WRITTEN, "the insert failed", ex);
			return;
		}
		for (int i = 0; i < group.size(); i++) {
			if (stored[i].numbered()) {
				group.get(i).numbered.accept(stored[i].seq());
			}
		}
		for (int i = 0; i < group.size(); i++) {
			group.get(i).result.complete(stored[i]);
		}
	}

	private static void failAll(List<Write> group, Outcome outcome, String what, RuntimeException cause) {
		logger.warn("Could not store " + group.size() + " outbound event(s): " + what + " (" + cause + ")");
		for (Write write : group) {
			write.result.completeExceptionally(new OutboxWriteException(outcome,
					"Storing event '" + write.row.event() + "' failed: " + what + "; " + describe(outcome), cause));
		}
	}

	void stop() {
		this.running = false;
		this.thread.interrupt();
	}

	private static final class Write {

		final NewRow row;

		final LongConsumer numbered;

		final CompletableFuture<Stored> result = new CompletableFuture<>();

		Write(NewRow row, LongConsumer numbered) {
			this.row = row;
			this.numbered = numbered;
		}

	}

}

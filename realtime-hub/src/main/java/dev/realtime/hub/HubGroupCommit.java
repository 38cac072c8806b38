package dev.realtime.hub;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.realtime.hub.HubEventAcceptor.Accepted;
import dev.realtime.hub.HubEventAcceptor.Run;
import dev.realtime.protocol.MessageElement;

/**
 * Commits the runs of events of many connections together. Each connection's processing
 * thread queues its run and waits for its outcome; up to {@code writers} of the waiting
 * threads at a time take what is queued (in arrival order, no two runs of one user, up to
 * {@link #MAX_EVENTS} events) and accept it in one transaction, so one commit (one flush
 * of the database's log) answers many connections. A run's outcome, hence its ack, exists
 * only once the transaction holding it committed. A group that fails is retried one run
 * per transaction: one connection's failure, or a deadlock with another node, fails that
 * connection only.
 */
final class HubGroupCommit {

	/**
	 * Events of one group at most: a frame's worth of runs of many connections, with the
	 * statements' rows and the deliveries held until the commit.
	 */
	static final int MAX_EVENTS = 2_000;

	private final HubEventAcceptor acceptor;

	private final int writers;

	/** Runs waiting for a writer; guarded by this. */
	private final Deque<Pending> queue = new ArrayDeque<>();

	/** Groups being committed; guarded by this. */
	private int writing;

	/**
	 * Create the group commit of a hub node.
	 * @param acceptor accepts a group in one transaction
	 * @param writers the most groups committed at once (each holds a database connection)
	 */
	HubGroupCommit(HubEventAcceptor acceptor, int writers) {
		this.acceptor = acceptor;
		this.writers = writers;
	}

	/**
	 * Accept a run of events received on one connection, with whatever other connections
	 * queued meanwhile, and wait until it committed.
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param events the events as received, each decoded or with the seq to reject
	 * @return the ack, the rejections and the deliveries to push
	 */
	Accepted accept(String clientId, String userId, List<MessageElement> events) {
		Pending pending = new Pending(this.acceptor.validate(clientId, userId, events));
		boolean interrupted = false;
		try {
			synchronized (this) {
				this.queue.add(pending);
			}
			while (true) {
				List<Pending> group;
				synchronized (this) {
					while (!pending.isDone() && (this.writing >= this.writers || this.queue.isEmpty())) {
						try {
							wait();
						}
						catch (InterruptedException ex) {
							// the run may be in another thread's group already: its
							// outcome comes as soon as the database answers (JDBC ignores
							// interrupts too)
							interrupted = true;
						}
					}
					if (pending.isDone()) {
						return pending.outcome();
					}
					this.writing++;
					group = takeGroup();
				}
				try {
					commit(group);
				}
				finally {
					synchronized (this) {
						this.writing--;
						notifyAll();
					}
				}
			}
		}
		finally {
			if (interrupted) {
				Thread.currentThread().interrupt();
			}
		}
	}

	/**
	 * Take the next group off the queue: the oldest run, then the next ones of other
	 * users while the group has room. Runs under the lock.
	 * @return the group, never empty
	 */
	private List<Pending> takeGroup() {
		List<Pending> group = new ArrayList<>();
		Set<String> users = new HashSet<>();
		int events = 0;
		for (Iterator<Pending> it = this.queue.iterator(); it.hasNext() && events < MAX_EVENTS;) {
			Pending next = it.next();
			// a user's runs are committed one group after the other, each seeing what
			// the previous one stored
			if (users.add(next.run().userId())) {
				it.remove();
				group.add(next);
				events += next.run().candidates().size();
			}
		}
		return group;
	}

	private void commit(List<Pending> group) {
		List<Run> runs = new ArrayList<>(group.size());
		group.forEach((pending) -> runs.add(pending.run()));
		try {
			List<Accepted> outcomes = this.acceptor.accept(runs);
			synchronized (this) {
				for (int i = 0; i < group.size(); i++) {
					group.get(i).succeeded(outcomes.get(i));
				}
			}
		}
		catch (RuntimeException ex) {
			if (group.size() == 1) {
				synchronized (this) {
					group.get(0).failed(ex);
				}
				return;
			}
			for (Pending pending : group) {
				commit(List.of(pending));
			}
		}
	}

	/**
	 * A queued run and, once its group committed or failed, its outcome. Guarded by the
	 * group commit's lock.
	 */
	private static final class Pending {

		private final Run run;

		private @Nullable Accepted outcome;

		private @Nullable RuntimeException failure;

		Pending(Run run) {
			this.run = run;
		}

		Run run() {
			return this.run;
		}

		boolean isDone() {
			return this.outcome != null || this.failure != null;
		}

		void succeeded(Accepted outcome) {
			this.outcome = outcome;
		}

		void failed(RuntimeException failure) {
			this.failure = failure;
		}

		Accepted outcome() {
			if (this.failure != null) {
				throw this.failure;
			}
			if (this.outcome == null) {
				throw new IllegalStateException("The run is not committed yet");
			}
			return this.outcome;
		}

	}

}

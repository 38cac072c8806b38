package dev.realtime.outbox;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.spi.SequencedMessage;

/**
 * The events a user's group commits numbered on this instance, kept for the relay until
 * it claims them, so that it sends them without reading them back from the database. Only
 * an unbroken run of seqs is kept, and at most {@link #MAX_PER_USER} events of a user and
 * the instance's {@link Budget}: whatever is not kept is read from the database as
 * before, so dropping an event here never loses it.
 */
final class WrittenRows {

	/** The most events kept for one user. */
	static final int MAX_PER_USER = 1024;

	private final Deque<SequencedMessage> run = new ArrayDeque<>();

	private final Budget budget;

	/**
	 * The hub's ack above which the unacked events were last given new seqs: a group
	 * commit that numbered rows before that hands over seqs they no longer have.
	 */
	private long resequencedUpTo;

	WrittenRows(Budget budget) {
		this.budget = budget;
	}

	/**
	 * Keep an event its group commit numbered, or drop what is kept if the event does not
	 * continue it and there is no room for it. An event numbered before the last
	 * {@linkplain #resequenced resequencing} is not kept: its seq changed since.
	 * @param seq the event's seq
	 * @param message the event
	 * @return whether it was kept
	 */
	synchronized boolean add(long seq, OutboundMessage message) {
		if (seq <= this.resequencedUpTo) {
			return false;
		}
		SequencedMessage last = this.run.peekLast();
		if (last != null && last.seq() + 1 != seq) {
			// numbered elsewhere in between: the run is broken, read from the database
			clear();
		}
		if (this.run.size() >= MAX_PER_USER || !this.budget.take()) {
			// the relay is behind (or offline): it reads the backlog from the database
			clear();
			return false;
		}
		this.run.addLast(new SequencedMessage(seq, message));
		return true;
	}

	/**
	 * Take the kept events that follow a seq, in seq order, dropping those up to it.
	 * @param afterSeq the highest seq claimed so far
	 * @param max the most events to take
	 * @return the events from {@code afterSeq + 1} on, none if the first kept one does
	 * not follow it
	 */
	synchronized List<SequencedMessage> takeAfter(long afterSeq, int max) {
		discardUpTo(afterSeq);
		SequencedMessage first = this.run.peekFirst();
		if (first == null || first.seq() != afterSeq + 1) {
			return List.of();
		}
		List<SequencedMessage> taken = new ArrayList<>(Math.min(max, this.run.size()));
		while (taken.size() < max && !this.run.isEmpty()) {
			taken.add(this.run.removeFirst());
		}
		this.budget.give(taken.size());
		return taken;
	}

	/**
	 * Return whether events are kept that do not follow a seq, so the database holds
	 * events before them.
	 * @param afterSeq the highest seq claimed so far
	 * @return whether the kept run starts beyond {@code afterSeq + 1}
	 */
	synchronized boolean startsAfter(long afterSeq) {
		SequencedMessage first = this.run.peekFirst();
		return first != null && first.seq() > afterSeq + 1;
	}

	/**
	 * Drop the kept events up to a seq (claimed from the database).
	 * @param seq the highest seq claimed
	 */
	synchronized void discardUpTo(long seq) {
		int dropped = 0;
		while (!this.run.isEmpty() && this.run.peekFirst().seq() <= seq) {
			this.run.removeFirst();
			dropped++;
		}
		this.budget.give(dropped);
	}

	/**
	 * Drop every kept event.
	 */
	synchronized void clear() {
		this.budget.give(this.run.size());
		this.run.clear();
	}

	/**
	 * Drop every kept event: the unacked events were given new seqs.
	 * @param ackSeq the hub's ack above which they were
	 */
	synchronized void resequenced(long ackSeq) {
		this.resequencedUpTo = ackSeq;
		clear();
	}

	/**
	 * Drop every kept event and forget the last resequencing: the user's rows were
	 * deleted, its seqs start again.
	 */
	synchronized void reset() {
		this.resequencedUpTo = 0;
		clear();
	}

	/**
	 * How many events all users' {@link WrittenRows} of an instance may keep together.
	 */
	static final class Budget {

		private final AtomicInteger left;

		Budget(int events) {
			this.left = new AtomicInteger(events);
		}

		boolean take() {
			if (this.left.decrementAndGet() >= 0) {
				return true;
			}
			this.left.incrementAndGet();
			return false;
		}

		void give(int events) {
			this.left.addAndGet(events);
		}

	}

}

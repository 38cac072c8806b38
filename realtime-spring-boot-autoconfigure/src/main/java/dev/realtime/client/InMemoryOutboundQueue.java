package dev.realtime.client;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * An outbound queue in memory: events survive reconnects but not a restart. Claimed events
 * form a prefix of the queue in seq order, so claiming and acking only touch its ends.
 */
public final class InMemoryOutboundQueue implements OutboundQueue {

	private final long maxSize;

	private final Deque<Entry> claimed = new ArrayDeque<>();

	private final Deque<Entry> waiting = new ArrayDeque<>();

	private long deadLetters;

	private String clientId = UUID.randomUUID().toString();

	private long nextSeq = 1;

	/**
	 * Create a queue.
	 * @param maxSize how many pending events it may hold
	 */
	public InMemoryOutboundQueue(long maxSize) {
		this.maxSize = maxSize;
	}

	@Override
	public synchronized String clientId() {
		return this.clientId;
	}

	@Override
	public synchronized void enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome) {
		long pending = pendingCount();
		if (pending >= this.maxSize) {
			throw new OutboundQueueFullException(pending, this.maxSize);
		}
		this.waiting.addLast(new Entry(message));
		outcome.claimable();
	}

	@Override
	public synchronized List<SequencedMessage> claim(int max) {
		List<SequencedMessage> result = new ArrayList<>(Math.min(max, this.waiting.size()));
		while (result.size() < max && !this.waiting.isEmpty()) {
			Entry entry = this.waiting.pollFirst();
			if (entry.seq == 0) {
				entry.seq = this.nextSeq++;
			}
			entry.attempts++;
			this.claimed.addLast(entry);
			result.add(new SequencedMessage(entry.seq, entry.attempts, entry.message));
		}
		return result;
	}

	@Override
	public synchronized void acknowledge(long ackSeq) {
		removeUpTo(this.claimed, ackSeq);
		removeUpTo(this.waiting, ackSeq);
	}

	private static void removeUpTo(Deque<Entry> entries, long ackSeq) {
		while (!entries.isEmpty() && entries.peekFirst().seq != 0 && entries.peekFirst().seq <= ackSeq) {
			entries.pollFirst();
		}
	}

	@Override
	public synchronized void deadLetter(long seq, String code, String message) {
		if (remove(this.claimed, seq) || remove(this.waiting, seq)) {
			this.deadLetters++;
		}
	}

	private static boolean remove(Deque<Entry> entries, long seq) {
		for (Iterator<Entry> it = entries.iterator(); it.hasNext();) {
			if (it.next().seq == seq) {
				it.remove();
				return true;
			}
		}
		return false;
	}

	@Override
	public synchronized void releaseClaims() {
		while (!this.claimed.isEmpty()) {
			this.waiting.addFirst(this.claimed.pollLast());
		}
	}

	@Override
	public synchronized long pendingCount() {
		return this.claimed.size() + this.waiting.size();
	}

	@Override
	public synchronized Optional<Instant> oldestPendingCreatedAt() {
		// both deques are in seq order, and seq order is hand-over order
		return Optional.ofNullable(this.claimed.isEmpty() ? this.waiting.peekFirst() : this.claimed.peekFirst())
			.map((entry) -> entry.message.createdAt());
	}

	@Override
	public synchronized long deadLetterCount() {
		return this.deadLetters;
	}

	@Override
	public synchronized void clear() {
		this.claimed.clear();
		this.waiting.clear();
		this.deadLetters = 0;
		this.clientId = UUID.randomUUID().toString();
		this.nextSeq = 1;
	}

	private static final class Entry {

		final OutboundMessage message;

		long seq;

		int attempts;

		Entry(OutboundMessage message) {
			this.message = message;
		}

	}

}

package dev.realtime.client.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.OutboundQueueFullException;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.Resequencing;
import dev.realtime.client.spi.SequencedBuffer;
import dev.realtime.client.spi.SequencedMessage;

/**
 * An outbound queue in memory: events survive reconnects but not a restart.
 */
public final class InMemoryOutboundQueue implements OutboundQueue {

	private final long maxSize;

	private final SequencedBuffer buffer = new SequencedBuffer();

	/** Idempotency keys of the pending events, so a key sent twice is held once. */
	private final Set<String> keys = new HashSet<>();

	private long deadLetters;

	private String clientId = UUID.randomUUID().toString();

	private long nextSeq = 1;

	private long claimedUpTo;

	/**
	 * The highest seq claimed, or acked by the hub above what this queue gave out: the
	 * bound of acks.
	 */
	private long sentBound;

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
	public boolean enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome) {
		synchronized (this) {
			if (this.keys.contains(message.idempotencyKey())) {
				return false;
			}
			long pending = pendingCount();
			if (pending >= this.maxSize) {
				throw new OutboundQueueFullException(pending, this.maxSize);
			}
			this.keys.add(message.idempotencyKey());
			this.buffer.add(message);
		}
		outcome.claimable();
		return true;
	}

	@Override
	public synchronized List<SequencedMessage> claim(int max) {
		List<SequencedMessage> result = this.buffer.after(this.claimedUpTo, max);
		int room = max - result.size();
		if (room > 0) {
			result = new ArrayList<>(result);
			int fresh = this.buffer.peekFresh(room).size();
			for (int i = 0; i < fresh; i++) {
				result.add(this.buffer.number(this.nextSeq++));
			}
		}
		if (!result.isEmpty()) {
			this.claimedUpTo = result.get(result.size() - 1).seq();
			this.sentBound = Math.max(this.sentBound, this.claimedUpTo);
		}
		return result;
	}

	@Override
	public synchronized long acknowledge(long ackSeq) {
		List<OutboundMessage> done = this.buffer.acknowledge(ackSeq);
		done.forEach((message) -> this.keys.remove(message.idempotencyKey()));
		return done.size();
	}

	@Override
	public synchronized boolean deadLetter(long seq, String code, String message) {
		OutboundMessage dead = this.buffer.remove(seq);
		if (dead == null) {
			return false;
		}
		this.keys.remove(dead.idempotencyKey());
		this.deadLetters++;
		return true;
	}

	@Override
	public synchronized @Nullable Resequencing resequenceAbove(long ackSeq) {
		long given = this.nextSeq - 1;
		if (ackSeq <= given) {
			return null;
		}
		// the lowest unacked event takes ackSeq + 1, the others keep their distance
		long delta = ackSeq + 1 - this.buffer.lowestSeq(this.nextSeq);
		int moved = this.buffer.shift(delta);
		this.nextSeq += delta;
		this.sentBound = ackSeq;
		this.claimedUpTo = 0;
		return new Resequencing(given, moved);
	}

	@Override
	public synchronized void releaseClaims() {
		this.claimedUpTo = 0;
	}

	@Override
	public synchronized long highestSeq() {
		return this.sentBound;
	}

	@Override
	public synchronized long pendingCount() {
		return this.buffer.size();
	}

	@Override
	public Optional<Instant> oldestPendingCreatedAt() {
		return this.buffer.oldestCreatedAt();
	}

	@Override
	public synchronized long deadLetterCount() {
		return this.deadLetters;
	}

	@Override
	public synchronized void clear() {
		this.buffer.clear();
		this.keys.clear();
		this.deadLetters = 0;
		this.clientId = UUID.randomUUID().toString();
		this.nextSeq = 1;
		this.claimedUpTo = 0;
		this.sentBound = 0;
	}

}

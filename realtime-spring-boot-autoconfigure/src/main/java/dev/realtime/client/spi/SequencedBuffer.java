package dev.realtime.client.spi;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.OutboundMessage;

/**
 * Outbound events kept in memory: new ones in hand-over order until they are numbered,
 * then by seq until acked. The in-memory queue numbers them itself; the database outbox
 * gives them seqs of its durable stream, so best-effort events keep their place among
 * durable ones.
 */
public final class SequencedBuffer {

	private final Deque<OutboundMessage> fresh = new ArrayDeque<>();

	private final NavigableMap<Long, OutboundMessage> sequenced = new TreeMap<>();

	/**
	 * Add a new event.
	 * @param message the event
	 */
	public synchronized void add(OutboundMessage message) {
		this.fresh.addLast(message);
	}

	/**
	 * Return the number of events held, numbered or not.
	 * @return the size
	 */
	public synchronized int size() {
		return this.fresh.size() + this.sequenced.size();
	}

	/**
	 * Return whether a new event waits for its seq.
	 * @return whether a new event waits
	 */
	public synchronized boolean hasFresh() {
		return !this.fresh.isEmpty();
	}

	/**
	 * Return the first new events, without numbering them.
	 * @param max the most events to return
	 * @return the events in hand-over order
	 */
	public synchronized List<OutboundMessage> peekFresh(int max) {
		List<OutboundMessage> result = new ArrayList<>(Math.min(max, this.fresh.size()));
		Iterator<OutboundMessage> it = this.fresh.iterator();
		while (result.size() < max && it.hasNext()) {
			result.add(it.next());
		}
		return result;
	}

	/**
	 * Number the first new event.
	 * @param seq its seq
	 * @return the event
	 */
	public synchronized SequencedMessage number(long seq) {
		OutboundMessage message = this.fresh.removeFirst();
		this.sequenced.put(seq, message);
		return new SequencedMessage(seq, message);
	}

	/**
	 * Return numbered events with a seq above {@code afterSeq}, in seq order.
	 * @param afterSeq the seq to start after
	 * @param max the most events to return
	 * @return the events
	 */
	public synchronized List<SequencedMessage> after(long afterSeq, int max) {
		List<SequencedMessage> result = new ArrayList<>();
		for (Map.Entry<Long, OutboundMessage> entry : this.sequenced.tailMap(afterSeq, false).entrySet()) {
			if (result.size() == max) {
				break;
			}
			result.add(new SequencedMessage(entry.getKey(), entry.getValue()));
		}
		return result;
	}

	/**
	 * Return the lowest seq of a numbered event.
	 * @param otherwise what to return when no event is numbered
	 * @return the lowest seq, or {@code otherwise}
	 */
	public synchronized long lowestSeq(long otherwise) {
		return this.sequenced.isEmpty() ? otherwise : this.sequenced.firstKey();
	}

	/**
	 * Add the same amount to the seq of every numbered event, as when the store's seqs
	 * move past ones the hub accepted that the store does not know.
	 * @param delta what to add
	 * @return how many events moved
	 */
	public synchronized int shift(long delta) {
		NavigableMap<Long, OutboundMessage> moved = new TreeMap<>();
		this.sequenced.forEach((seq, message) -> moved.put(seq + delta, message));
		this.sequenced.clear();
		this.sequenced.putAll(moved);
		return moved.size();
	}

	/**
	 * Drop every numbered event up to and including {@code ackSeq}.
	 * @param ackSeq the highest acked seq
	 * @return the dropped events
	 */
	public synchronized List<OutboundMessage> acknowledge(long ackSeq) {
		NavigableMap<Long, OutboundMessage> done = this.sequenced.headMap(ackSeq, true);
		List<OutboundMessage> dropped = new ArrayList<>(done.values());
		done.clear();
		return dropped;
	}

	/**
	 * Drop the numbered event with this seq.
	 * @param seq the seq
	 * @return the event, or {@code null} when there was none
	 */
	public synchronized @Nullable OutboundMessage remove(long seq) {
		return this.sequenced.remove(seq);
	}

	/**
	 * Return when the oldest event was handed over: numbered events came before new ones.
	 * @return the time, empty when the buffer is empty
	 */
	public synchronized Optional<Instant> oldestCreatedAt() {
		Map.Entry<Long, OutboundMessage> first = this.sequenced.firstEntry();
		OutboundMessage oldest = (first != null) ? first.getValue() : this.fresh.peekFirst();
		return Optional.ofNullable(oldest).map(OutboundMessage::createdAt);
	}

	/**
	 * Drop everything.
	 */
	public synchronized void clear() {
		this.fresh.clear();
		this.sequenced.clear();
	}

}

package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.InboundStore;

/**
 * An inbound store in memory: deduplicates and resumes across reconnects, forgets
 * everything on restart.
 */
public final class InMemoryInboundStore implements InboundStore {

	private final TreeMap<Long, Entry> undelivered = new TreeMap<>();

	private long lastSeq;

	private long failed;

	@Override
	public synchronized long lastSeq() {
		return this.lastSeq;
	}

	@Override
	public synchronized void append(List<InboundMessage> messages) {
		for (InboundMessage message : messages) {
			if (message.seq() != this.lastSeq + 1) {
				throw new IllegalArgumentException(
						"Inbound seq " + message.seq() + " does not continue the stream at " + this.lastSeq);
			}
			this.undelivered.put(message.seq(), new Entry(message));
			this.lastSeq = message.seq();
		}
	}

	@Override
	public synchronized List<InboundMessage> undelivered(int max) {
		List<InboundMessage> result = new ArrayList<>(Math.min(max, this.undelivered.size()));
		for (Map.Entry<Long, Entry> entry : this.undelivered.entrySet()) {
			if (result.size() >= max) {
				break;
			}
			result.add(entry.getValue().message);
		}
		return result;
	}

	@Override
	public synchronized void delivered(long seq) {
		this.undelivered.remove(seq);
	}

	@Override
	public synchronized boolean failed(long seq, String error, int maxAttempts) {
		Entry entry = this.undelivered.get(seq);
		if (entry == null) {
			return false;
		}
		entry.attempts++;
		if (entry.attempts >= maxAttempts) {
			this.undelivered.remove(seq);
			this.failed++;
			return true;
		}
		return false;
	}

	@Override
	public synchronized long failedCount() {
		return this.failed;
	}

	@Override
	public synchronized void reset(long lastSeq) {
		this.undelivered.clear();
		this.lastSeq = lastSeq;
	}

	@Override
	public synchronized void clear() {
		this.undelivered.clear();
		this.lastSeq = 0;
		this.failed = 0;
	}

	private static final class Entry {

		final InboundMessage message;

		int attempts;

		Entry(InboundMessage message) {
			this.message = message;
		}

	}

}

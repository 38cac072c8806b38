package dev.realtime.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;

/**
 * Moves outbound events from the queue to the connection: claims them while the in-flight
 * window has room, sends them one per frame or in batches, and on the hub's cumulative ack
 * completes the queue's rows and the senders' handles. Confined to the client's loop thread,
 * except {@link #track} and {@link #forget}, which {@code sendEvent} calls.
 */
final class OutboundRelay {

	private static final Log logger = LogFactory.getLog(OutboundRelay.class);

	/** Events claimed per round when batching is off. */
	private static final int UNBATCHED_CLAIM = 128;

	/**
	 * The connection as the relay sees it.
	 */
	interface Link {

		/**
		 * Return whether events may be sent: connected and resumed.
		 */
		boolean ready();

		/**
		 * Send a text message; {@code false} if the connection broke (the link handles that).
		 */
		boolean send(String text);

		String clientId();

	}

	private final ClientSettings settings;

	private final OutboundQueue queue;

	private final FrameCodec codec;

	private final ScheduledExecutorService loop;

	private final ClientCounters counters;

	private final Consumer<Acknowledgement> onAck;

	private final Link link;

	/** Handles of events sent by this process, by idempotency key, until acked. */
	private final Map<String, PendingSend> pendingSends = new ConcurrentHashMap<>();

	/** Seqs claimed on the current connection and not yet acked. */
	private final NavigableMap<Long, String> inFlight = new TreeMap<>();

	/** Seqs of claimed events whose sender in this process awaits the ack, with their keys. */
	private final NavigableMap<Long, String> awaited = new TreeMap<>();

	/** Claimed events waiting to fill a batch. */
	private final List<SequencedMessage> unsent = new ArrayList<>();

	private @Nullable ScheduledFuture<?> batchTask;

	OutboundRelay(ClientSettings settings, OutboundQueue queue, FrameCodec codec, ScheduledExecutorService loop,
			ClientCounters counters, Consumer<Acknowledgement> onAck, Link link) {
		this.settings = settings;
		this.queue = queue;
		this.codec = codec;
		this.loop = loop;
		this.counters = counters;
		this.onAck = onAck;
		this.link = link;
	}

	/**
	 * Remember the handle of an event about to be enqueued, so its ack can complete it.
	 */
	PendingSend track(String key, CompletableFuture<Acknowledgement> future) {
		PendingSend pending = new PendingSend(future, System.nanoTime());
		this.pendingSends.put(key, pending);
		return pending;
	}

	/**
	 * Forget a handle whose event was never stored.
	 * @return whether it was still tracked
	 */
	boolean forget(String key, PendingSend pending) {
		return this.pendingSends.remove(key, pending);
	}

	/**
	 * Send claimable events while the link is ready and the in-flight window has room.
	 */
	void relay() {
		if (!this.link.ready()) {
			return;
		}
		int batchSize = this.settings.batchSize();
		int chunk = (batchSize > 0) ? batchSize : UNBATCHED_CLAIM;
		while (this.link.ready()) {
			int room = this.settings.maxInFlight() - this.inFlight.size();
			int wanted = Math.min(room, chunk - this.unsent.size());
			if (wanted <= 0) {
				break;
			}
			List<SequencedMessage> claimed;
			try {
				claimed = this.queue.claim(wanted);
			}
			catch (RuntimeException ex) {
				logger.error("Could not claim outbound events; retrying on the next wake-up", ex);
				return;
			}
			for (SequencedMessage message : claimed) {
				if (message.attempts() > this.settings.maxAttempts()) {
					giveUp(message);
					continue;
				}
				String key = message.message().idempotencyKey();
				this.inFlight.put(message.seq(), key);
				if (this.pendingSends.containsKey(key)) {
					this.awaited.put(message.seq(), key);
				}
				this.unsent.add(message);
			}
			if (batchSize <= 0 || this.unsent.size() >= batchSize) {
				flushUnsent();
			}
			if (claimed.size() < wanted) {
				break;
			}
		}
		if (!this.unsent.isEmpty() && this.batchTask == null) {
			this.batchTask = this.loop.schedule(() -> {
				this.batchTask = null;
				flushUnsent();
			}, this.settings.batchInterval().toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void flushUnsent() {
		if (this.unsent.isEmpty() || !this.link.ready()) {
			return;
		}
		String clientId = this.link.clientId();
		List<EventFrame> frames = new ArrayList<>(this.unsent.size());
		for (SequencedMessage claimed : this.unsent) {
			OutboundMessage message = claimed.message();
			frames.add(new EventFrame(claimed.seq(), clientId, message.idempotencyKey(), message.event(),
					message.payload(), message.createdAt()));
		}
		this.unsent.clear();
		boolean ok = (this.settings.batchSize() > 0) ? this.link.send(this.codec.encodeAll(frames)) : sendEach(frames);
		if (ok) {
			this.counters.sent.addAndGet(frames.size());
		}
	}

	private boolean sendEach(List<EventFrame> frames) {
		for (EventFrame frame : frames) {
			if (!this.link.send(this.codec.encode(frame))) {
				return false;
			}
		}
		return true;
	}

	private void giveUp(SequencedMessage message) {
		String reason = "not acked after " + this.settings.maxAttempts() + " attempts (realtime.outbox.max-attempts)";
		logger.warn("Outbound event seq " + message.seq() + " (" + message.message().event() + ") dead-lettered: "
				+ reason);
		deadLetter(message.seq(), "max_attempts", reason);
	}

	/**
	 * The hub rejected the event with this seq for good, or it ran out of attempts.
	 */
	void deadLetter(long seq, String code, String message) {
		this.queue.deadLetter(seq, code, message);
		this.counters.deadLettered.incrementAndGet();
		this.inFlight.remove(seq);
		String key = this.awaited.remove(seq);
		if (key != null) {
			reject(key, code, message);
		}
	}

	/**
	 * The hub acked every event up to {@code ackSeq}, on this connection or, through resume, on
	 * an earlier one.
	 */
	void acknowledged(long ackSeq) {
		this.queue.acknowledge(ackSeq);
		this.inFlight.headMap(ackSeq, true).clear();
		NavigableMap<Long, String> done = this.awaited.headMap(ackSeq, true);
		long now = System.nanoTime();
		for (Map.Entry<Long, String> entry : done.entrySet()) {
			PendingSend pending = this.pendingSends.remove(entry.getValue());
			if (pending == null) {
				continue;
			}
			Acknowledgement ack = new Acknowledgement(entry.getValue(), entry.getKey(),
					Duration.ofNanos(now - pending.createdNanos));
			this.counters.acked.incrementAndGet();
			// listeners first: whoever waits on the handle can rely on them having seen the ack
			this.onAck.accept(ack);
			pending.future.complete(ack);
		}
		done.clear();
		relay();
	}

	/**
	 * The connection is gone: what was claimed on it becomes claimable again for the next one.
	 */
	void connectionDropped() {
		if (this.batchTask != null) {
			this.batchTask.cancel(false);
			this.batchTask = null;
		}
		this.inFlight.clear();
		this.unsent.clear();
		try {
			this.queue.releaseClaims();
		}
		catch (RuntimeException ex) {
			// claims also expire on their own; nothing is lost
			logger.warn("Could not release outbound claims", ex);
		}
	}

	/**
	 * The queue was cleared: no handle will ever be completed by an ack.
	 */
	void flushed() {
		this.awaited.clear();
		for (String key : List.copyOf(this.pendingSends.keySet())) {
			reject(key, "flushed", "local persistence was flushed by disconnect(true)");
		}
	}

	private void reject(String key, String code, String message) {
		PendingSend pending = this.pendingSends.remove(key);
		if (pending != null) {
			pending.future.completeExceptionally(new EventRejectedException(key, code, message));
		}
	}

	/**
	 * A handle waiting for its ack.
	 */
	static final class PendingSend {

		final CompletableFuture<Acknowledgement> future;

		final long createdNanos;

		PendingSend(CompletableFuture<Acknowledgement> future, long createdNanos) {
			this.future = future;
			this.createdNanos = createdNanos;
		}

	}

}

package dev.realtime.client.internal;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.spi.LeaseLostException;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.Resequencing;
import dev.realtime.client.spi.SequencedMessage;
import dev.realtime.protocol.FrameCodec;

/**
 * Moves outbound events from the queue to the connection, on a strand of its own (on the
 * runtime's I/O pool, not the event loop) so that a slow or unreachable database never
 * holds up heartbeats: keeps the user's lease, claims events while the in-flight window
 * has room, packs them into frames no larger than the frame limit, and hands the frames
 * to the connection. Acks that arrive while it works are coalesced into one delete. It
 * polls at the poll interval, so rows written by other instances or committed late are
 * sent without a wake-up, and a lease left by a dead instance is taken over.
 */
final class OutboundRelay {

	private static final Log logger = LogFactory.getLog(OutboundRelay.class);

	/** Events claimed per database round trip. */
	private static final int CLAIM_CHUNK = 500;

	/** Least time between two log lines about the same database failure. */
	private static final long FAILURE_LOG_INTERVAL_NANOS = 10_000_000_000L;

	private final ClientSettings settings;

	private final OutboundQueue queue;

	private final FrameCodec codec;

	private final Strand executor;

	private final ClientCounters counters;

	private final SendTracker tracker;

	private final Consumer<Acknowledgement> onAck;

	/** Where frames go and leadership is told; set by {@link #start(OutboundLink)}. */
	private OutboundLink link = OutboundLink.NONE;

	private final AtomicLong pendingAck = new AtomicLong(-1);

	private final AtomicBoolean ackScheduled = new AtomicBoolean();

	private final AtomicBoolean relayScheduled = new AtomicBoolean();

	/** Rejected seqs not dead-lettered yet, with why. */
	private final ConcurrentSkipListMap<Long, Rejection> rejections = new ConcurrentSkipListMap<>();

	/** The highest seq the queue gave out, for telling an ack of more than was sent. */
	private volatile long highestSeq;

	private volatile boolean active;

	/** Written on the relay's strand, read by the dispatcher. */
	private volatile boolean leading;

	// --- confined to the relay's strand ---

	/**
	 * Whether the client was told whether this instance holds the lease since it
	 * activated the relay.
	 */
	private volatile boolean announced;

	/** The connection events go to, or -1 while there is none ready. */
	private int connection = -1;

	private @Nullable String clientId;

	private long ackedUpTo;

	/**
	 * Seqs claimed and not acked yet, with their idempotency keys, kept across
	 * connections: an ack may come with the resume of the next one.
	 */
	private final NavigableMap<Long, String> inFlight = new TreeMap<>();

	/**
	 * The highest seq claimed for the current connection; resends start below it again.
	 */
	private long claimedOnLink;

	private long lastFailureLog;

	/**
	 * A resume's {@code ack_seq} above the highest seq sent, settled before anything is
	 * sent; 0 when none waits.
	 */
	private long ackedBeyondSent;

	/** The highest seq sent when {@link #ackedBeyondSent} arrived. */
	private long sentBeforeResume;

	OutboundRelay(ClientSettings settings, OutboundQueue queue, FrameCodec codec, Strand executor,
			ClientCounters counters, SendTracker tracker, Consumer<Acknowledgement> onAck) {
		this.settings = settings;
		this.queue = queue;
		this.codec = codec;
		this.executor = executor;
		this.counters = counters;
		this.tracker = tracker;
		this.onAck = onAck;
	}

	/**
	 * Start polling, claiming for the link: until then the relay does nothing, so it is
	 * built before the connection side it sends to, which is built with it.
	 * @param link the connection as the relay sees it
	 */
	void start(OutboundLink link) {
		this.link = link;
		long interval = this.settings.pollInterval().toMillis();
		// a random phase: the polls of many clients started together do not wake all at
		// once
		long phase = ThreadLocalRandom.current().nextLong(interval) + 1;
		this.executor.scheduleWithFixedDelay(this::poll, phase, interval);
		this.queue.onClaimable(this::wake);
		this.queue.onLeaseChanged(() -> this.executor.post(this::poll));
	}

	/**
	 * Return whether this instance holds the user's lease, as the relay last found: only
	 * the holder hands inbound events to listeners, so they run once across instances.
	 * @return whether this instance holds the lease
	 */
	boolean isLeading() {
		return this.leading;
	}

	/**
	 * Start or stop holding the user's lease: the client wants to be connected, or not.
	 * @param active whether the client wants to be connected
	 * @return a future done once the relay has polled or resigned (at once if the relay
	 * is closed)
	 */
	Future<?> activate(boolean active) {
		this.active = active;
		this.announced = false;
		try {
			return this.executor.submit(active ? this::poll : this::resign);
		}
		catch (RejectedExecutionException ex) {
			return CompletableFuture.completedFuture(null);
		}
	}

	/**
	 * The connection with this number is ready for events (connected and resumed).
	 * @param connection the number of the connection
	 * @param clientId the client's id, put in the event frames
	 */
	void linkUp(int connection, String clientId) {
		this.executor.post(() -> {
			this.connection = connection;
			this.clientId = clientId;
			this.claimedOnLink = 0;
			// everything sequenced and not acked is resent in seq order, before any new
			// event
			this.queue.releaseClaims();
			relay();
		});
	}

	/**
	 * The connection is gone: events are held until the next one.
	 */
	void linkDown() {
		this.executor.post(() -> this.connection = -1);
	}

	/**
	 * The hub acked every event up to {@code ackSeq}. Acks arriving while the relay is
	 * busy are completed by one delete.
	 * @param ackSeq the highest seq the hub acked
	 */
	void acked(long ackSeq) {
		this.pendingAck.accumulateAndGet(ackSeq, Math::max);
		if (this.ackScheduled.compareAndSet(false, true)) {
			this.executor.post(this::flushAcks);
		}
	}

	/**
	 * The hub answered a resume with an {@code ack_seq} above the highest seq sent:
	 * before anything is sent, either the queue gives every unacked event a new seq above
	 * it (the hub accepted seqs the queue never gave out), or what was sent is completed
	 * and the rest resent with their seqs for the hub to deduplicate (a crash lost the
	 * record of what was sent).
	 * @param ackSeq the hub's {@code ack_seq}
	 * @param sentBound the highest seq sent, as far as the client knows
	 */
	void resumedBeyondSent(long ackSeq, long sentBound) {
		this.executor.post(() -> {
			this.ackedBeyondSent = ackSeq;
			this.sentBeforeResume = sentBound;
			settleAckBeyondSent();
		});
	}

	/**
	 * Settle a resume's {@code ack_seq} above the highest seq sent, if one waits.
	 * @return whether none waits any longer, so events may be sent
	 */
	private boolean settleAckBeyondSent() {
		long ackSeq = this.ackedBeyondSent;
		if (!this.leading) {
			return false;
		}
		Resequencing done;
		try {
			done = this.queue.resequenceAbove(ackSeq);
		}
		catch (LeaseLostException ex) {
			lostLease(ex);
			return false;
		}
		catch (RuntimeException ex) {
			// nothing is sent meanwhile: a resend under the old seqs could be taken
			// for duplicates
			logFailure("Could not settle the hub's ack_seq " + ackSeq + "; retrying at the next poll", ex);
			return false;
		}
		this.ackedBeyondSent = 0;
		long sent = this.sentBeforeResume;
		if (done == null) {
			logger.info("Hub resumed with ack_seq " + ackSeq + ", above the highest seq recorded as sent (" + sent
					+ ") but within the seqs this client gave out: completing up to " + sent
					+ " and resending the rest for the hub to deduplicate");
			acked(sent);
			return true;
		}
		this.counters.resequences.incrementAndGet();
		this.inFlight.clear();
		this.claimedOnLink = 0;
		this.highestSeq = Math.max(this.highestSeq, ackSeq);
		this.ackedUpTo = Math.max(this.ackedUpTo, ackSeq);
		logger.warn("Hub resumed with ack_seq " + ackSeq + ", above every seq the outbound store of user '"
				+ this.settings.userId() + "' gave out (" + done.storeSeq() + "): the hub accepted seqs "
				+ (done.storeSeq() + 1) + " to " + ackSeq
				+ " that the store does not know (was it restored from a backup?); its " + done.events()
				+ " unacked event(s) take new seqs after " + ackSeq
				+ " with their idempotency keys, and the hub deduplicates those it accepted");
		return true;
	}

	/**
	 * The hub rejected the event with this seq for good. Called before the ack that
	 * covers it (the hub sends the error first): the rejection is recorded at once, so no
	 * ack can complete the event as delivered before it is dead-lettered.
	 * @param seq the seq of the rejected event
	 * @param code the hub's error code
	 * @param message the hub's error message
	 */
	void rejected(long seq, String code, String message) {
		this.rejections.put(seq, new Rejection(code, message));
		this.executor.post(this::applyRejections);
	}

	/**
	 * Dead-letter the rejected events.
	 * @return whether none is left, so acks may complete what they cover
	 */
	private boolean applyRejections() {
		for (Map.Entry<Long, Rejection> entry = this.rejections.firstEntry(); entry != null; entry = this.rejections
			.firstEntry()) {
			long seq = entry.getKey();
			Rejection rejection = entry.getValue();
			try {
				if (this.queue.deadLetter(seq, rejection.code(), rejection.message())) {
					this.counters.deadLettered.incrementAndGet();
				}
			}
			catch (LeaseLostException ex) {
				this.rejections.clear();
				lostLease(ex);
				return false;
			}
			catch (RuntimeException ex) {
				// kept, and so is every ack behind it: retried at the next poll
				logFailure("Could not dead-letter outbound event seq " + seq, ex);
				return false;
			}
			this.rejections.remove(seq);
			String key = this.inFlight.remove(seq);
			if (key != null) {
				this.tracker.rejected(key, rejection.code(), rejection.message());
			}
		}
		return true;
	}

	/**
	 * Look for claimable events soon: called after a commit. On an idle link the events
	 * go out at once; while frames are in flight they wait for the next ack, which claims
	 * everything committed meanwhile in one transaction and fills frames, so a busy link
	 * batches by itself and the claim's commit is not paid per event.
	 */
	void wake() {
		if (this.relayScheduled.compareAndSet(false, true)) {
			this.executor.post(() -> {
				this.relayScheduled.set(false);
				if (!awaitingAck()) {
					relay();
				}
			});
		}
	}

	/**
	 * Whether events sent on the current connection are waiting for their ack (which
	 * relays again when it comes; a lost connection relays on the next, and the poll in
	 * any case).
	 * @return whether an ack is awaited on the current connection
	 */
	private boolean awaitingAck() {
		return !this.inFlight.isEmpty() && this.inFlight.firstKey() <= this.claimedOnLink;
	}

	/**
	 * Return the highest seq given out so far, as far as this instance knows.
	 * @return the highest seq given out, or 0 if none
	 */
	long highestSeq() {
		return this.highestSeq;
	}

	private void poll() {
		if (!this.active) {
			return;
		}
		boolean holds;
		try {
			holds = this.queue.acquireLease();
			this.highestSeq = Math.max(this.highestSeq, this.queue.highestSeq());
		}
		catch (RuntimeException ex) {
			// keep what we had: the connection stays up and the fenced writes keep it
			// safe
			logFailure("Could not renew the lease of user '" + this.settings.userId() + "'", ex);
			return;
		}
		if (holds != this.leading || !this.announced) {
			this.leading = holds;
			this.announced = true;
			this.link.leadershipChanged(holds, holds ? "took the lease of user '" + this.settings.userId() + "'"
					: "another instance holds the lease of user '" + this.settings.userId() + "'");
		}
		flushAcks();
		relay();
	}

	private void resign() {
		if (this.active) {
			return;
		}
		this.connection = -1;
		this.inFlight.clear();
		this.ackedBeyondSent = 0;
		boolean wasLeading = this.leading;
		this.leading = false;
		if (!wasLeading) {
			return;
		}
		try {
			this.queue.releaseLease();
		}
		catch (RuntimeException ex) {
			// it expires on its own
			logger.warn("Could not release the lease of user '" + this.settings.userId() + "': " + ex);
		}
	}

	private void flushAcks() {
		this.ackScheduled.set(false);
		if (!applyRejections()) {
			return;
		}
		long ack = this.pendingAck.get();
		if (ack <= this.ackedUpTo) {
			return;
		}
		long completed;
		try {
			completed = this.queue.acknowledge(ack);
		}
		catch (LeaseLostException ex) {
			lostLease(ex);
			return;
		}
		catch (RuntimeException ex) {
			logFailure("Could not complete acked outbound events; retrying", ex);
			return;
		}
		this.ackedUpTo = Math.max(this.ackedUpTo, ack);
		this.counters.acked.addAndGet(completed);
		// senders hear of the ack once the rows are gone, so the handle, the pending
		// count
		// and the acked count agree
		NavigableMap<Long, String> done = this.inFlight.headMap(ack, true);
		long now = System.nanoTime();
		for (Map.Entry<Long, String> entry : done.entrySet()) {
			this.tracker.acknowledged(entry.getValue(), entry.getKey(), now, this.onAck);
		}
		done.clear();
		relay();
	}

	private void relay() {
		if (this.ackedBeyondSent != 0 && !settleAckBeyondSent()) {
			return;
		}
		while (this.leading && this.connection >= 0) {
			// what was sent on this connection and not acked: the window
			int room = this.settings.maxInFlight() - this.inFlight.headMap(this.claimedOnLink, true).size();
			if (room <= 0) {
				return;
			}
			int wanted = Math.min(room, CLAIM_CHUNK);
			List<SequencedMessage> claimed;
			try {
				claimed = this.queue.claim(wanted);
			}
			catch (LeaseLostException ex) {
				lostLease(ex);
				return;
			}
			catch (RuntimeException ex) {
				logFailure("Could not claim outbound events; retrying at the next poll", ex);
				return;
			}
			if (claimed.isEmpty()) {
				return;
			}
			long last = claimed.get(claimed.size() - 1).seq();
			this.highestSeq = Math.max(this.highestSeq, last);
			this.claimedOnLink = last;
			for (SequencedMessage message : claimed) {
				this.inFlight.put(message.seq(), message.message().idempotencyKey());
			}
			this.link.send(this.connection, FramePacker.packEvents(this.codec, this.clientId, claimed,
					this.settings.batchSize(), this.settings.maxFrameSize()), claimed.size(), last);
			if (claimed.size() < wanted) {
				return;
			}
		}
	}

	private void lostLease(LeaseLostException ex) {
		String reason = Objects.requireNonNullElse(ex.getMessage(), "lease lost");
		logger.warn(reason + "; standing by");
		this.leading = false;
		this.connection = -1;
		this.inFlight.clear();
		this.ackedBeyondSent = 0;
		this.link.leadershipChanged(false, reason);
	}

	private void logFailure(String what, RuntimeException ex) {
		long now = System.nanoTime();
		if (now - this.lastFailureLog >= FAILURE_LOG_INTERVAL_NANOS || this.lastFailureLog == 0) {
			this.lastFailureLog = now;
			// an expected, recoverable fault (the database is away): one line, the trace
			// at debug
			logger.warn(what + ": " + ReconnectPolicy.describe(ex));
		}
		logger.debug(what, ex);
	}

	private record Rejection(String code, String message) {
	}

}

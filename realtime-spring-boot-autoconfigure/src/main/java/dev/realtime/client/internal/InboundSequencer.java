package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.SyncResetEvent;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.EventFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.ProtocolException;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * Puts the hub's events in order into the inbound store: drops what is already stored,
 * asks for a resume at a gap rather than store out of order, follows the pages of a
 * resume, resets the store when the hub's retention window has moved past the client, and
 * acks what is stored. When the store fails or falls behind, it takes no more events
 * until the store works again and then resumes after what is stored. Confined to the
 * client's loop; the store's writes run on a strand of their own, and the events of
 * frames that arrive while the store writes share its next write.
 */
final class InboundSequencer {

	private static final Log logger = LogFactory.getLog(InboundSequencer.class);

	/** Received events not yet stored, beyond which later ones are left to a resume. */
	private static final long MAX_UNSTORED = 10_000;

	/** Time between two checks whether the inbound store works again after a failure. */
	private static final long STORE_PROBE_MILLIS = 1000;

	/**
	 * The first wait before asking again after a resume page that brought nothing new; it
	 * doubles with each such page, so a hub that keeps answering that way is asked at a
	 * falling rate instead of as fast as the network goes.
	 */
	private static final long STALLED_RESUME_FIRST_MILLIS = 100;

	/**
	 * The longest wait before asking again after a resume page that brought nothing new.
	 */
	private static final long STALLED_RESUME_MAX_MILLIS = 30_000;

	private final String userId;

	private final Supplier<String> clientId;

	private final InboundStore store;

	/** Writes of the inbound store, in order. */
	private final Strand storeExecutor;

	/** Posts to the loop. */
	private final Executor post;

	private final InboundDispatcher dispatcher;

	private final ClientCounters counters;

	private final SyncProgress sync;

	private final ListenerRegistry listeners;

	/** Told why the store failed, as the client's last error. */
	private final Consumer<String> errors;

	/** The highest inbound seq handed to the store, stored or not yet. */
	private long inboundCursor;

	/** The highest stored inbound seq: acked to the hub. */
	private long durableCursor;

	/**
	 * Inbound events are not taken until the store catches up or works again; a resume
	 * fetches them then.
	 */
	private boolean paused;

	private boolean storeProbing;

	/**
	 * The last append queued on the store's strand: later events join it until the strand
	 * takes it.
	 */
	private @Nullable AppendBatch appending;

	/**
	 * The wait before asking again after the next resume page that brings nothing new.
	 */
	private long stalledResumeMillis = STALLED_RESUME_FIRST_MILLIS;

	InboundSequencer(String userId, UserStores stores, Executor post, InboundDispatcher dispatcher, SyncProgress sync,
			ClientReporting reporting) {
		this.userId = userId;
		this.clientId = stores.outbound()::clientId;
		this.store = stores.inbound();
		this.storeExecutor = stores.inboundStrand();
		this.post = post;
		this.dispatcher = dispatcher;
		this.counters = reporting.counters();
		this.sync = sync;
		this.listeners = reporting.listeners();
		this.errors = reporting.status()::error;
	}

	/**
	 * A connection opened: everything after the stored cursor is to come.
	 * @param cursor the highest seq in the store
	 */
	void start(long cursor) {
		this.inboundCursor = cursor;
		this.durableCursor = cursor;
		this.paused = false;
		this.stalledResumeMillis = STALLED_RESUME_FIRST_MILLIS;
	}

	/**
	 * Return the highest seq handed to the store: a resume asks for what follows it.
	 * @return the highest seq handed to the store
	 */
	long cursor() {
		return this.inboundCursor;
	}

	/**
	 * Empty the store: {@code disconnect(true)}.
	 */
	void flush() {
		this.store.clear();
		this.dispatcher.resync();
		this.inboundCursor = 0;
		this.durableCursor = 0;
	}

	/**
	 * Count and log a frame from the hub that breaks the protocol.
	 * @param problem what is wrong with the frame
	 */
	void invalidFrame(ProtocolException problem) {
		this.counters.invalidFrames.incrementAndGet();
		logger.warn("Ignoring invalid frame from hub: " + problem.getMessage());
	}

	/**
	 * A page of a resume arrived, after its ack was handled: reset if the hub says so,
	 * store its events and ask for the next page, or again at a gap in the page. A page
	 * that did not move the cursor forward and still calls for another resume breaks the
	 * protocol: it is counted, and the next resume waits, longer each time.
	 * @param connection the connection the page arrived on
	 * @param response the page
	 */
	void page(Connection connection, ResumeResponseFrame response) {
		connection.resumeAnswered();
		long before = this.inboundCursor;
		if (response.reset()) {
			reset(connection, response.lastSeq());
		}
		boolean gap = store(connection, response.events());
		this.sync.pageReceived(this.userId, !connection.isResumed(), response);
		if (!(gap || response.hasMore()) || !connection.isOpen() || this.paused) {
			// when paused, the resume that ends the pause asks for the rest
			return;
		}
		if (this.inboundCursor > before) {
			this.stalledResumeMillis = STALLED_RESUME_FIRST_MILLIS;
			connection.requestResume(this.clientId.get(), this.inboundCursor);
			return;
		}
		long delay = this.stalledResumeMillis;
		this.stalledResumeMillis = Math.min(delay * 2, STALLED_RESUME_MAX_MILLIS);
		this.counters.invalidFrames.incrementAndGet();
		logger.warn("The hub's resume_response after seq " + before + " brought no event after it but "
				+ (gap ? "one further on (a gap)" : "has_more") + "; asking again in " + delay + " ms");
		// from where a reset may have moved the cursor back
		connection.requestResumeLater(this.clientId.get(), this.inboundCursor, delay);
	}

	/**
	 * The hub's retention window no longer holds what this client missed: drop the store
	 * and continue from the hub's latest seq.
	 * @param connection the connection the reset arrived on
	 * @param lastSeq the hub's latest seq, where the stream continues
	 */
	private void reset(Connection connection, long lastSeq) {
		this.inboundCursor = lastSeq;
		// events after the reset must not join an append queued before it
		this.appending = null;
		logger.warn("Realtime client '" + this.userId + "' was behind the hub's retention window: inbound store "
				+ "reset, continuing after seq " + lastSeq);
		this.storeExecutor.execute(() -> {
			try {
				this.store.reset(lastSeq);
			}
			catch (RuntimeException ex) {
				this.post.execute(() -> storeFailed(connection, ex));
				return;
			}
			this.dispatcher.resync();
			this.post.execute(() -> {
				this.listeners.reset(new SyncResetEvent(this.userId, lastSeq));
				stored(connection, lastSeq);
			});
		});
	}

	/**
	 * Store the events that continue the stream, drop what is already stored, and ask the
	 * hub to resume from the cursor when there is a gap rather than deliver out of order.
	 * @param connection the connection the events arrived on
	 * @param events the events, in the order they arrived
	 */
	void events(Connection connection, List<EventFrame> events) {
		if (store(connection, events) && !connection.isResumeRequested()) {
			logger.debug("Gap in inbound stream after seq " + this.inboundCursor + "; resuming");
			connection.requestResume(this.clientId.get(), this.inboundCursor);
		}
	}

	/**
	 * Store the events that continue the stream and drop what is already stored, up to a
	 * gap.
	 * @param connection the connection the events arrived on
	 * @param events the events, in the order they arrived
	 * @return whether an event after a gap was left for a resume to fetch in order
	 */
	private boolean store(Connection connection, List<EventFrame> events) {
		if (events.isEmpty() || !connection.isOpen()) {
			return false;
		}
		if (this.paused) {
			// not acked: the resume that ends the pause fetches them again
			logger.debug("Inbound store paused; leaving " + events.size() + " event(s) to the next resume");
			return false;
		}
		long cursor = this.inboundCursor;
		List<InboundMessage> fresh = new ArrayList<>();
		boolean gap = false;
		for (EventFrame event : events) {
			Long seq = event.seq();
			if (seq == null) {
				invalidFrame(new ProtocolException("Event '" + event.event() + "' from hub has no seq"));
			}
			else if (seq <= cursor) {
				this.counters.duplicates.incrementAndGet();
			}
			else if (seq != cursor + 1) {
				gap = true;
				break;
			}
			else {
				String problem = EventFields.problem(event);
				if (problem != null) {
					// counted either way; kept when the store can hold it exactly, else
					// a resume asks for it again, at a falling rate while the hub sends
					// it so
					boolean storable = EventFields.isStorable(event);
					this.counters.invalidFrames.incrementAndGet();
					logger.warn("Event seq " + seq + " from hub breaks the protocol: " + problem
							+ (storable ? "; stored all the same" : "; not stored, asking the hub for it again"));
					if (!storable) {
						gap = true;
						break;
					}
				}
				fresh.add(new InboundMessage(this.userId, seq, event.event(), event.payload(), event.timestamp(),
						event.clientId(), event.idempotencyKey()));
				cursor = seq;
			}
		}
		if (!fresh.isEmpty()) {
			if (this.inboundCursor - this.durableCursor + fresh.size() > MAX_UNSTORED) {
				// the store is behind: take nothing more until it caught up, then resume
				logger.warn("Inbound store is " + (this.inboundCursor - this.durableCursor)
						+ " events behind; pausing until it catches up");
				this.paused = true;
				return false;
			}
			this.inboundCursor = cursor;
			this.counters.received.addAndGet(fresh.size());
			append(connection, fresh);
		}
		if (gap) {
			this.counters.gaps.incrementAndGet();
		}
		return gap;
	}

	/**
	 * Store events on the store's strand, with the events of later frames that arrive
	 * before the strand gets to them, in one append; the hub gets the ack once they are
	 * stored.
	 * @param connection the connection the events arrived on, which sends the ack
	 * @param fresh the events that continue the stream
	 */
	private void append(Connection connection, List<InboundMessage> fresh) {
		AppendBatch queued = this.appending;
		if (queued != null && queued.add(connection, fresh)) {
			return;
		}
		AppendBatch batch = new AppendBatch(connection, fresh);
		this.storeExecutor.execute(() -> append(batch));
		this.appending = batch;
	}

	private void append(AppendBatch batch) {
		List<InboundMessage> messages = batch.take();
		Connection connection = batch.connection();
		try {
			this.store.append(messages);
		}
		catch (RuntimeException ex) {
			this.post.execute(() -> storeFailed(connection, ex));
			return;
		}
		// handed on as parsed: listeners get them without a read of the store
		this.dispatcher.stored(messages);
		long lastSeq = messages.get(messages.size() - 1).seq();
		this.post.execute(() -> stored(connection, lastSeq));
	}

	private void stored(Connection connection, long seq) {
		if (!connection.isOpen() || seq <= this.durableCursor) {
			// stored all the same: the next resume tells the hub
			return;
		}
		this.durableCursor = seq;
		connection.send(new AckFrame(seq));
		if (this.paused && !this.storeProbing && this.durableCursor == this.inboundCursor) {
			resumeAfter(connection, seq);
		}
	}

	/**
	 * The store failed: take no more events, and once it works again ask the hub for
	 * everything after what is stored. The connection, and its heartbeats, stay up
	 * meanwhile.
	 * @param connection the connection the events arrived on
	 * @param ex the store's failure
	 */
	private void storeFailed(Connection connection, RuntimeException ex) {
		if (!connection.isOpen() || this.storeProbing) {
			return;
		}
		String what = "Could not store inbound events of user '" + this.userId + "'; pausing inbound until the "
				+ "store works again";
		// an expected, recoverable fault (the database is away): one line, the trace at
		// debug
		logger.warn(what + ": " + ReconnectPolicy.describe(ex));
		logger.debug(what, ex);
		this.errors.accept("inbound store failed: " + ReconnectPolicy.describe(ex));
		this.paused = true;
		this.storeProbing = true;
		probeStore(connection);
	}

	private void probeStore(Connection connection) {
		this.storeExecutor.schedule(() -> {
			long cursor;
			try {
				cursor = this.store.lastSeq();
			}
			catch (RuntimeException ex) {
				logger.debug("Inbound store still failing", ex);
				probeStore(connection);
				return;
			}
			this.post.execute(() -> {
				this.storeProbing = false;
				if (connection.isOpen()) {
					logger
						.info("Inbound store of user '" + this.userId + "' works again; resuming after seq " + cursor);
					this.durableCursor = cursor;
					resumeAfter(connection, cursor);
				}
			});
		}, STORE_PROBE_MILLIS);
	}

	private void resumeAfter(Connection connection, long cursor) {
		this.paused = false;
		this.inboundCursor = cursor;
		connection.requestResume(this.clientId.get(), cursor);
	}

}

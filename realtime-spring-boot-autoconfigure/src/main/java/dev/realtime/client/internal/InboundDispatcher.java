package dev.realtime.client.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.Subscription;
import dev.realtime.client.spi.InboundStore;

/**
 * Hands stored inbound events to the listeners, one at a time in seq order, on its own
 * strand. The sequencer hands on what it just stored, which is delivered as it is, not
 * read back: the store is read only to catch up (at the start, after a retry, a reset, a
 * requeue, a change of lease, or when more was handed on than it keeps), and what is
 * handed on is delivered only where it continues what was delivered. An event is marked
 * delivered only after every listener returned (by a store that allows it, for a run of
 * events in one write); a throwing listener makes it be retried after a short delay, and
 * parked as failed after the configured attempts, so the events behind it still flow.
 */
final class InboundDispatcher {

	private static final Log logger = LogFactory.getLog(InboundDispatcher.class);

	private static final int PAGE = 256;

	private static final Duration RETRY_DELAY = Duration.ofMillis(50);

	/** Handed-on events kept at most; beyond, the store is read instead. */
	private static final int MAX_HANDED_ON = 4 * PAGE;

	private final InboundStore store;

	private final int maxAttempts;

	private final Strand executor;

	private final List<Consumer<InboundMessage>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Runnable parked;

	private final BooleanSupplier active;

	/** Events the sequencer stored and handed on, in seq order. */
	private final Queue<InboundMessage> handedOn = new ConcurrentLinkedQueue<>();

	private final AtomicInteger handedOnCount = new AtomicInteger();

	/**
	 * The store must be read before anything handed on is delivered: set when handed-on
	 * events were left out, or the store changed other than by appends.
	 */
	private volatile boolean stale = true;

	// --- confined to the dispatch strand ---

	/**
	 * The highest seq delivered or parked, or -1 when unknown: a handed-on event is
	 * delivered from memory only if it follows.
	 */
	private long lastHandled = -1;

	/**
	 * Create a dispatcher.
	 * @param store the store the events are read from and marked in
	 * @param maxAttempts the attempts after which a failing event is parked
	 * @param executor the strand deliveries run on
	 * @param parked told each time an event is parked as failed, for the client's
	 * counters
	 * @param active whether this instance may deliver now
	 */
	InboundDispatcher(InboundStore store, int maxAttempts, Strand executor, Runnable parked, BooleanSupplier active) {
		this.store = store;
		this.maxAttempts = maxAttempts;
		this.executor = executor;
		this.parked = parked;
		this.active = active;
		store.onRequeued(this::resync);
	}

	Subscription addListener(Consumer<InboundMessage> listener) {
		this.listeners.add(listener);
		wake();
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Events were stored, in seq order after those handed on before: deliver them soon,
	 * without reading them back. Called on the store's strand after they were written.
	 * @param stored the events just stored
	 */
	void stored(List<InboundMessage> stored) {
		if (this.handedOnCount.addAndGet(stored.size()) <= MAX_HANDED_ON) {
			this.handedOn.addAll(stored);
		}
		else {
			this.handedOnCount.addAndGet(-stored.size());
			this.stale = true;
		}
		wake();
	}

	/**
	 * The store changed other than by appends (reset, cleared, events requeued): read it
	 * before delivering anything handed on.
	 */
	void resync() {
		this.stale = true;
		wake();
	}

	/**
	 * Make the dispatcher look for undelivered events soon.
	 */
	private void wake() {
		if (this.scheduled.compareAndSet(false, true)) {
			this.executor.execute(this::drain);
		}
	}

	private void drain() {
		this.scheduled.set(false);
		if (this.listeners.isEmpty() || !this.active.getAsBoolean()) {
			// the store keeps them: read when there are listeners, or the lease again
			this.stale = true;
			takeHandedOn();
			return;
		}
		try {
			List<InboundMessage> fresh = takeHandedOn();
			if (!follows(fresh)) {
				if (!catchUp()) {
					this.stale = true;
					retryLater();
					return;
				}
				// handed on while the store was read
				fresh = takeHandedOn();
				if (!follows(fresh)) {
					resync();
					return;
				}
			}
			if (!deliver(fresh)) {
				// the rest is in the store
				this.stale = true;
				retryLater();
			}
		}
		catch (RuntimeException ex) {
			this.stale = true;
			logger.error("Inbound store failed while dispatching; retrying", ex);
			retryLater();
		}
	}

	/**
	 * Return whether handed-on events continue what was delivered, so the store need not
	 * be read.
	 * @param fresh the handed-on events not delivered yet
	 * @return whether they may be delivered as they are
	 */
	private boolean follows(List<InboundMessage> fresh) {
		if (this.stale || this.lastHandled < 0) {
			return false;
		}
		// not where delivery stands (a reset moved the stream on): the store knows
		return fresh.isEmpty() || fresh.get(0).seq() == this.lastHandled + 1;
	}

	/**
	 * Take the handed-on events not delivered yet, in seq order.
	 * @return the events
	 */
	private List<InboundMessage> takeHandedOn() {
		List<InboundMessage> taken = new ArrayList<>();
		for (InboundMessage next = this.handedOn.poll(); next != null; next = this.handedOn.poll()) {
			this.handedOnCount.decrementAndGet();
			if (next.seq() > this.lastHandled) {
				taken.add(next);
			}
		}
		return taken;
	}

	/**
	 * Deliver every undelivered event of the store. Handed-on events are dropped first:
	 * those stored by then are read here, the rest follow what is read.
	 * @return {@code false} when one failed and should be tried again later
	 */
	private boolean catchUp() {
		this.stale = false;
		this.lastHandled = -1;
		takeHandedOn();
		// every event up to the cursor read before the page was delivered or parked if
		// the page is empty
		long cursor = this.store.lastSeq();
		List<InboundMessage> page;
		do {
			page = this.store.undelivered(PAGE);
			if (!deliver(page)) {
				return false;
			}
		}
		while (page.size() == PAGE);
		this.lastHandled = Math.max(this.lastHandled, cursor);
		return true;
	}

	private boolean deliver(List<InboundMessage> page) {
		if (!(this.store.recordsDeliveredInRuns() ? deliverRun(page) : deliverEach(page))) {
			return false;
		}
		if (!page.isEmpty()) {
			this.lastHandled = page.get(page.size() - 1).seq();
		}
		return true;
	}

	private void retryLater() {
		if (this.scheduled.compareAndSet(false, true)) {
			this.executor.schedule(this::drain, RETRY_DELAY.toMillis());
		}
	}

	/**
	 * Deliver events one at a time, each marked by the store (possibly in one transaction
	 * with its listeners).
	 * @param page the events to deliver, in seq order
	 * @return {@code false} when one failed and should be tried again later
	 */
	private boolean deliverEach(List<InboundMessage> page) {
		for (InboundMessage message : page) {
			try {
				this.store.deliver(message, () -> runListeners(message));
			}
			catch (RuntimeException ex) {
				if (!failed(message, ex)) {
					return false;
				}
			}
		}
		return true;
	}

	/**
	 * Run the listeners of a page of events, and record the events they handled with one
	 * write per run: at the end of the page, and before a failure is recorded.
	 * @param page the events to deliver, in seq order
	 * @return {@code false} when one failed and should be tried again later
	 */
	private boolean deliverRun(List<InboundMessage> page) {
		long handled = -1;
		for (InboundMessage message : page) {
			try {
				runListeners(message);
				handled = message.seq();
			}
			catch (RuntimeException ex) {
				if (handled >= 0) {
					this.store.deliveredUpTo(handled);
					handled = -1;
				}
				if (!failed(message, ex)) {
					return false;
				}
			}
		}
		if (handled >= 0) {
			this.store.deliveredUpTo(handled);
		}
		return true;
	}

	private void runListeners(InboundMessage message) {
		for (Consumer<InboundMessage> listener : this.listeners) {
			listener.accept(message);
		}
	}

	/**
	 * Record a failed delivery.
	 * @param message the event whose delivery failed
	 * @param ex the listener's failure
	 * @return {@code true} when the event was parked, so the events behind it may flow,
	 * {@code false} when it should be tried again later
	 */
	private boolean failed(InboundMessage message, RuntimeException ex) {
		boolean parked = this.store.failed(message.seq(), describe(ex), this.maxAttempts);
		if (parked) {
			this.parked.run();
			logger.error("Inbound event seq " + message.seq() + " (" + message.event() + ") parked as failed after "
					+ this.maxAttempts + " attempts", ex);
			return true;
		}
		logger.warn("Listener failed on inbound event seq " + message.seq() + " (" + message.event() + "); will retry: "
				+ ex);
		return false;
	}

	private static String describe(Throwable ex) {
		String text = ex.getClass().getName() + ((ex.getMessage() != null) ? ": " + ex.getMessage() : "");
		return (text.length() > 1000) ? text.substring(0, 1000) : text;
	}

}

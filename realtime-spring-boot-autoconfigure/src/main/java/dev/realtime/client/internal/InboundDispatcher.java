package dev.realtime.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.Subscription;
import dev.realtime.client.spi.InboundStore;

/**
 * Hands stored inbound events to the listeners, one at a time in seq order, on its own
 * strand. An event is marked delivered only after every listener returned (by a store
 * that allows it, for a run of events in one write); a throwing listener makes it be
 * retried after a short delay, and parked as failed after the configured attempts, so the
 * events behind it still flow.
 */
final class InboundDispatcher {

	private static final Log logger = LogFactory.getLog(InboundDispatcher.class);

	private static final int PAGE = 256;

	private static final Duration RETRY_DELAY = Duration.ofMillis(50);

	private final InboundStore store;

	private final int maxAttempts;

	private final Strand executor;

	private final List<Consumer<InboundMessage>> listeners = new CopyOnWriteArrayList<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Runnable parked;

	private final BooleanSupplier active;

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
		store.onRequeued(this::wake);
	}

	Subscription addListener(Consumer<InboundMessage> listener) {
		this.listeners.add(listener);
		wake();
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Make the dispatcher look for undelivered events soon.
	 */
	void wake() {
		if (this.scheduled.compareAndSet(false, true)) {
			this.executor.execute(this::drain);
		}
	}

	private void drain() {
		this.scheduled.set(false);
		if (this.listeners.isEmpty() || !this.active.getAsBoolean()) {
			return;
		}
		boolean runs = this.store.recordsDeliveredInRuns();
		try {
			List<InboundMessage> page;
			do {
				page = this.store.undelivered(PAGE);
				if (!(runs ? deliverRun(page) : deliverEach(page))) {
					retryLater();
					return;
				}
			}
			while (page.size() == PAGE);
		}
		catch (RuntimeException ex) {
			logger.error("Inbound store failed while dispatching; retrying", ex);
			retryLater();
		}
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

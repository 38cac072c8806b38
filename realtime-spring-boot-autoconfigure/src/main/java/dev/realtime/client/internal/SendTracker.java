package dev.realtime.client.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.EventRejectedException;

/**
 * The outcomes of events sent by this process, by idempotency key, until acked or
 * rejected. An outcome is held weakly while nobody has asked for its future: a sender
 * that drops the handle (fire and forget) leaves only a cleared entry behind, expunged at
 * the next send, however large the backlog. Once its future is asked for, the outcome is
 * held strongly until the ack or the rejection completes it, so callbacks attached to the
 * future run whether or not the sender keeps a reference to it.
 */
final class SendTracker {

	private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

	private final ReferenceQueue<SendOutcome> dropped = new ReferenceQueue<>();

	/**
	 * Return the live outcome of this key, or a new one: an event sent again with the key
	 * of a pending one shares its outcome.
	 * @param key the event's idempotency key
	 * @return the outcome, and whether this call created it
	 */
	Handle track(String key) {
		expunge();
		while (true) {
			Tracked current = this.tracked.get(key);
			SendOutcome outcome = (current != null) ? current.get() : null;
			if (outcome != null) {
				return new Handle(outcome, false);
			}
			SendOutcome created = new SendOutcome((requested) -> hold(key, requested));
			Tracked entry = new Tracked(key, created, System.nanoTime(), this.dropped);
			boolean stored = (current != null) ? this.tracked.replace(key, current, entry)
					: this.tracked.putIfAbsent(key, entry) == null;
			if (stored) {
				return new Handle(created, true);
			}
		}
	}

	/**
	 * Someone asked for the future of this outcome: hold it until it is completed.
	 * @param key the event's idempotency key
	 * @param outcome the outcome
	 */
	private void hold(String key, SendOutcome outcome) {
		Tracked entry = this.tracked.get(key);
		if (entry != null && entry.get() == outcome) {
			entry.held = outcome;
		}
		// else it was acked or rejected just now, and whoever removed it completes it
	}

	/**
	 * Forget an outcome whose event was never stored, unless it stands for an earlier
	 * send.
	 * @param key the event's idempotency key
	 * @param handle what {@link #track} returned for the send
	 * @return whether it was forgotten
	 */
	boolean forget(String key, Handle handle) {
		if (!handle.created()) {
			return false;
		}
		Tracked current = this.tracked.get(key);
		return current != null && current.get() == handle.outcome() && this.tracked.remove(key, current);
	}

	/**
	 * The event with this key was acked: tell the listeners, then complete its outcome if
	 * anyone still holds it (whoever waits on the handle can rely on the listeners having
	 * seen the ack). The listeners hear of every ack; the latency is known while the
	 * send's entry is.
	 * @param key the event's idempotency key
	 * @param seq the seq the event was sent with
	 * @param nowNanos the {@link System#nanoTime()} of the ack, for the round-trip time
	 * @param listeners told of the ack before the handle completes
	 */
	void acknowledged(String key, long seq, long nowNanos, Consumer<Acknowledgement> listeners) {
		Tracked entry = this.tracked.remove(key);
		Duration latency = (entry != null) ? Duration.ofNanos(nowNanos - entry.createdNanos) : null;
		Acknowledgement ack = new Acknowledgement(key, seq, latency);
		listeners.accept(ack);
		SendOutcome outcome = (entry != null) ? entry.get() : null;
		if (outcome != null) {
			outcome.complete(ack);
		}
	}

	/**
	 * The event with this key will never be acked.
	 * @param key the event's idempotency key
	 * @param code the error code the handle fails with
	 * @param message the error message the handle fails with
	 */
	void rejected(String key, String code, String message) {
		Tracked entry = this.tracked.remove(key);
		SendOutcome outcome = (entry != null) ? entry.get() : null;
		if (outcome != null) {
			outcome.fail(new EventRejectedException(key, code, message));
		}
	}

	/**
	 * No event will ever be acked: reject every outcome.
	 * @param code the error code the handles fail with
	 * @param message the error message the handles fail with
	 */
	void rejectAll(String code, String message) {
		for (String key : List.copyOf(this.tracked.keySet())) {
			rejected(key, code, message);
		}
	}

	private void expunge() {
		Object ref;
		while ((ref = this.dropped.poll()) != null) {
			Tracked entry = (Tracked) ref;
			this.tracked.remove(entry.key, entry);
		}
	}

	/**
	 * A tracked outcome, and whether this send created it or shares an earlier one.
	 *
	 * @param outcome what the ack or the rejection completes
	 * @param created whether this send created the outcome ({@code false}: it shares the
	 * outcome of an earlier send with the same key)
	 */
	record Handle(SendOutcome outcome, boolean created) {
	}

	private static final class Tracked extends WeakReference<SendOutcome> {

		final String key;

		final long createdNanos;

		/** The outcome once its future was asked for: held until it is completed. */
		volatile @Nullable SendOutcome held;

		Tracked(String key, SendOutcome outcome, long createdNanos, ReferenceQueue<SendOutcome> queue) {
			super(outcome, queue);
			this.key = key;
			this.createdNanos = createdNanos;
		}

	}

}

package dev.realtime.client.internal;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.EventRejectedException;

/**
 * The handles of events sent by this process, by idempotency key, until acked. A handle
 * is held weakly: a sender that drops it (fire and forget) leaves nothing behind in
 * memory, however large the backlog; a sender that keeps it gets it completed by the ack.
 */
final class SendTracker {

	private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();

	private final ReferenceQueue<CompletableFuture<Acknowledgement>> dropped = new ReferenceQueue<>();

	/**
	 * Return the live handle of this key, or a new one: an event sent again with the key
	 * of a pending one shares its handle.
	 * @param key the event's idempotency key
	 * @return the handle, and whether this call created it
	 */
	Handle track(String key) {
		expunge();
		while (true) {
			Tracked current = this.tracked.get(key);
			CompletableFuture<Acknowledgement> future = (current != null) ? current.get() : null;
			if (future != null) {
				return new Handle(future, false);
			}
			CompletableFuture<Acknowledgement> created = new CompletableFuture<>();
			Tracked entry = new Tracked(key, created, System.nanoTime(), this.dropped);
			boolean stored = (current != null) ? this.tracked.replace(key, current, entry)
					: this.tracked.putIfAbsent(key, entry) == null;
			if (stored) {
				return new Handle(created, true);
			}
		}
	}

	/**
	 * Forget a handle whose event was never stored, unless it stands for an earlier send.
	 * @param key the event's idempotency key
	 * @param handle the handle {@link #track} returned for the send
	 * @return whether it was forgotten
	 */
	boolean forget(String key, Handle handle) {
		if (!handle.created()) {
			return false;
		}
		Tracked current = this.tracked.get(key);
		return current != null && current.get() == handle.future() && this.tracked.remove(key, current);
	}

	/**
	 * The event with this key was acked: complete its handle, if anyone still holds it,
	 * after telling the listeners (whoever waits on the handle can rely on them having
	 * seen the ack).
	 * @param key the event's idempotency key
	 * @param seq the seq the event was sent with
	 * @param nowNanos the {@link System#nanoTime()} of the ack, for the round-trip time
	 * @param listeners told of the ack before the handle completes
	 */
	void acknowledged(String key, long seq, long nowNanos, Consumer<Acknowledgement> listeners) {
		Tracked entry = this.tracked.remove(key);
		if (entry == null) {
			return;
		}
		CompletableFuture<Acknowledgement> future = entry.get();
		if (future != null) {
			Acknowledgement ack = new Acknowledgement(key, seq, Duration.ofNanos(nowNanos - entry.createdNanos));
			listeners.accept(ack);
			future.complete(ack);
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
		CompletableFuture<Acknowledgement> future = (entry != null) ? entry.get() : null;
		if (future != null) {
			future.completeExceptionally(new EventRejectedException(key, code, message));
		}
	}

	/**
	 * No event will ever be acked: reject every handle.
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
	 * A tracked handle, and whether this send created it or shares an earlier one.
	 *
	 * @param future the future the ack completes
	 * @param created whether this send created the handle ({@code false}: it shares the
	 * handle of an earlier send with the same key)
	 */
	record Handle(CompletableFuture<Acknowledgement> future, boolean created) {
	}

	private static final class Tracked extends WeakReference<CompletableFuture<Acknowledgement>> {

		final String key;

		final long createdNanos;

		Tracked(String key, CompletableFuture<Acknowledgement> future, long createdNanos,
				ReferenceQueue<CompletableFuture<Acknowledgement>> queue) {
			super(future, queue);
			this.key = key;
			this.createdNanos = createdNanos;
		}

	}

}

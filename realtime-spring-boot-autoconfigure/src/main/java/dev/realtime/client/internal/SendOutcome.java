package dev.realtime.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.Acknowledgement;

/**
 * What a {@link dev.realtime.client.SendHandle} knows of its event's fate. The future is
 * made on the first call of {@code acknowledged()}: from then until the event is acked or
 * rejected the client holds it strongly (through {@code onRequested}), so its callbacks
 * run whether or not the sender keeps it. An outcome known before anyone asks is kept in
 * the outcome, and the future comes back completed with it.
 */
final class SendOutcome implements Supplier<CompletableFuture<Acknowledgement>> {

	private final Consumer<SendOutcome> onRequested;

	// guarded by this
	private @Nullable CompletableFuture<Acknowledgement> future;

	private @Nullable Acknowledgement ack;

	private @Nullable Throwable failure;

	/**
	 * Create the outcome of one event.
	 * @param onRequested told once when the future is first asked for before the outcome
	 * is known: holds the outcome until it is
	 */
	SendOutcome(Consumer<SendOutcome> onRequested) {
		this.onRequested = onRequested;
	}

	@Override
	public CompletableFuture<Acknowledgement> get() {
		synchronized (this) {
			CompletableFuture<Acknowledgement> current = this.future;
			if (current != null) {
				return current;
			}
			CompletableFuture<Acknowledgement> created = new CompletableFuture<>();
			this.future = created;
			if (this.ack != null) {
				created.complete(this.ack);
				return created;
			}
			if (this.failure != null) {
				created.completeExceptionally(this.failure);
				return created;
			}
			this.onRequested.accept(this);
			return created;
		}
	}

	/**
	 * The event was acked (or, at most once, written).
	 * @param acknowledgement the ack
	 */
	void complete(Acknowledgement acknowledgement) {
		settle(acknowledgement, null);
	}

	/**
	 * The event will never be acked.
	 * @param reason what the future fails with
	 */
	void fail(Throwable reason) {
		settle(null, reason);
	}

	private void settle(@Nullable Acknowledgement acknowledgement, @Nullable Throwable reason) {
		CompletableFuture<Acknowledgement> current;
		synchronized (this) {
			if (this.ack != null || this.failure != null) {
				return;
			}
			this.ack = acknowledgement;
			this.failure = reason;
			current = this.future;
		}
		// callbacks run outside the lock
		if (current == null) {
			return;
		}
		if (reason != null) {
			current.completeExceptionally(reason);
		}
		else {
			current.complete(acknowledgement);
		}
	}

}

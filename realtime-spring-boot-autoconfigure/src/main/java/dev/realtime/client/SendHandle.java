package dev.realtime.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What {@code sendEvent} returns once the client has accepted an event.
 * <p>
 * The future of {@link #acknowledged()} is completed whether or not the sender keeps a
 * reference to this handle or to the future: {@code sendEvent(...).acknowledged()
 * .whenComplete(...)} runs its callback. A handle whose future nobody asks for costs
 * nothing once the sender drops it, however many events wait.
 */
public final class SendHandle {

	private final String idempotencyKey;

	private final DeliveryStrategy deliveryStrategy;

	private final Supplier<CompletableFuture<Acknowledgement>> acknowledged;

	/**
	 * Create a handle whose future exists already, for clients that complete it
	 * themselves.
	 * @param idempotencyKey the event's idempotency key
	 * @param deliveryStrategy the strategy the event is delivered with
	 * @param acknowledged the future the ack completes
	 */
	public SendHandle(String idempotencyKey, DeliveryStrategy deliveryStrategy,
			CompletableFuture<Acknowledgement> acknowledged) {
		this(idempotencyKey, deliveryStrategy, () -> acknowledged);
	}

	/**
	 * Create a handle whose future is made when someone asks for it.
	 * @param idempotencyKey the event's idempotency key
	 * @param deliveryStrategy the strategy the event is delivered with
	 * @param acknowledged called by every {@link #acknowledged()}: returns the same
	 * future each time, held by the client until it is completed
	 */
	public SendHandle(String idempotencyKey, DeliveryStrategy deliveryStrategy,
			Supplier<CompletableFuture<Acknowledgement>> acknowledged) {
		this.idempotencyKey = idempotencyKey;
		this.deliveryStrategy = deliveryStrategy;
		this.acknowledged = acknowledged;
	}

	/**
	 * Return the event's idempotency key.
	 * @return the key
	 */
	public String idempotencyKey() {
		return this.idempotencyKey;
	}

	/**
	 * Return the strategy the event is delivered with.
	 * @return the delivery strategy
	 */
	public DeliveryStrategy deliveryStrategy() {
		return this.deliveryStrategy;
	}

	/**
	 * Return the future completed when the server acks the event; completed exceptionally
	 * with {@link EventRejectedException} when the server rejects it for good, it is
	 * dead-lettered, or (at most once) it is dropped. Every call returns the same future,
	 * already completed if the outcome is known. The future lives in this process only:
	 * after a restart the event is still delivered, but nobody waits on it.
	 * @return the future of the event's ack
	 */
	public CompletableFuture<Acknowledgement> acknowledged() {
		return this.acknowledged.get();
	}

	@Override
	public String toString() {
		return "SendHandle[idempotencyKey=" + this.idempotencyKey + ", deliveryStrategy=" + this.deliveryStrategy + "]";
	}

}

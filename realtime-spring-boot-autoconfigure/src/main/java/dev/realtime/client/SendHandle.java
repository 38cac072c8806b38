package dev.realtime.client;

import java.util.concurrent.CompletableFuture;

/**
 * What {@code sendEvent} returns once the client has accepted an event.
 *
 * @param idempotencyKey the event's idempotency key
 * @param deliveryStrategy the strategy the event is delivered with
 * @param acknowledged completed when the server acks the event; completed exceptionally
 * with {@link EventRejectedException} when the server rejects it for good or it is
 * dead-lettered. The future lives in this process only: after a restart the event is
 * still delivered, but nobody waits on it.
 */
public record SendHandle(String idempotencyKey, DeliveryStrategy deliveryStrategy,
		CompletableFuture<Acknowledgement> acknowledged) {
}

package dev.realtime.metrics;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.OutboundMessage;

/**
 * Context of a {@link RealtimeObservationDocumentation#SEND} observation: one outbound
 * event from {@code sendEvent} to its ack or rejection.
 */
public class SendObservationContext extends Observation.Context {

	private final String userId;

	private final OutboundMessage message;

	private final DeliveryStrategy deliveryStrategy;

	private @Nullable Acknowledgement acknowledgement;

	/**
	 * Create a context.
	 * @param userId the sending client's user
	 * @param message the event
	 * @param deliveryStrategy the strategy the event is delivered with
	 */
	public SendObservationContext(String userId, OutboundMessage message, DeliveryStrategy deliveryStrategy) {
		this.userId = userId;
		this.message = message;
		this.deliveryStrategy = deliveryStrategy;
	}

	public String getUserId() {
		return this.userId;
	}

	public OutboundMessage getMessage() {
		return this.message;
	}

	public DeliveryStrategy getDeliveryStrategy() {
		return this.deliveryStrategy;
	}

	/**
	 * Return the hub's ack once the event was acked.
	 * @return the ack, {@code null} while pending or when the event was rejected
	 */
	public @Nullable Acknowledgement getAcknowledgement() {
		return this.acknowledgement;
	}

	public void setAcknowledgement(@Nullable Acknowledgement acknowledgement) {
		this.acknowledgement = acknowledgement;
	}

}

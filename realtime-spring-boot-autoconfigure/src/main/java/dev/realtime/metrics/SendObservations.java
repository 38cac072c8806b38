package dev.realtime.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.ObservableClient;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendListener;

/**
 * Observes each event a client sends, from {@code sendEvent} to its ack or rejection, as
 * a {@link RealtimeObservationDocumentation#SEND} observation. It starts on the sender's
 * thread, so with tracing the event's journey is a child of whatever the sender was
 * doing. Each observation stops when its event is acked or rejected, whether or not the
 * sender keeps the handle: until then the client holds it (one per pending event, so a
 * registry without handlers costs nothing). Register with
 * {@link ObservableClient#onSend(SendListener)}.
 */
public class SendObservations implements SendListener {

	private static final SendObservationConvention DEFAULT_CONVENTION = new DefaultSendObservationConvention();

	private final String userId;

	private final ObservationRegistry registry;

	private final @Nullable SendObservationConvention convention;

	/**
	 * Create the observations of one client's sends.
	 * @param userId the client's user
	 * @param registry the observation registry
	 * @param convention a convention replacing {@link DefaultSendObservationConvention},
	 * if any
	 */
	public SendObservations(String userId, ObservationRegistry registry,
			@Nullable SendObservationConvention convention) {
		this.userId = userId;
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public void accepted(OutboundMessage message, SendHandle handle) {
		SendObservationContext context = new SendObservationContext(this.userId, message, handle.deliveryStrategy());
		Observation observation = RealtimeObservationDocumentation.SEND
			.observation(this.convention, DEFAULT_CONVENTION, () -> context, this.registry)
			.start();
		if (observation.isNoop()) {
			// nothing to stop: the handle's future is not asked for, so nothing is held
			return;
		}
		handle.acknowledged().whenComplete((ack, failure) -> {
			if (failure != null) {
				observation.error(failure);
			}
			else {
				context.setAcknowledgement(ack);
			}
			observation.stop();
		});
	}

}

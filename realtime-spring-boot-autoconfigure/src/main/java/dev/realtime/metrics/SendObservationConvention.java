package dev.realtime.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and key values of {@link RealtimeObservationDocumentation#SEND} observations.
 * Declare a bean of this type to replace {@link DefaultSendObservationConvention}, for
 * example to make the event name a low-cardinality key when the application's event names
 * are a fixed set.
 */
public interface SendObservationConvention extends ObservationConvention<SendObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof SendObservationContext;
	}

}

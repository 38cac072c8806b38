package dev.realtime.metrics;

import java.util.Locale;

import io.micrometer.common.KeyValues;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.EventRejectedException;
import dev.realtime.metrics.RealtimeObservationDocumentation.SendHighCardinalityKeys;
import dev.realtime.metrics.RealtimeObservationDocumentation.SendLowCardinalityKeys;

/**
 * The default {@link SendObservationConvention}. Only bounded values are low-cardinality
 * keys (they become metric tags): the user, the delivery strategy and the outcome. The
 * event name is a high-cardinality key (a span attribute only), since applications may
 * build event names from data.
 */
public class DefaultSendObservationConvention implements SendObservationConvention {

	/** Name of the observation (and its timer). */
	static final String NAME = "realtime.send";

	/** Outcome while the event awaits its ack. */
	static final String PENDING = "pending";

	/** Outcome of an acked event. */
	static final String ACKED = "acked";

	/** Outcome of an event that failed without a protocol error code. */
	static final String ERROR = "error";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(SendObservationContext context) {
		return "realtime send";
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(SendObservationContext context) {
		return KeyValues.of(SendLowCardinalityKeys.USER.withValue(context.getUserId()),
				SendLowCardinalityKeys.DELIVERY
					.withValue(context.getDeliveryStrategy().name().toLowerCase(Locale.ROOT)),
				SendLowCardinalityKeys.OUTCOME.withValue(outcome(context)));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(SendObservationContext context) {
		KeyValues values = KeyValues.of(SendHighCardinalityKeys.EVENT.withValue(context.getMessage().event()),
				SendHighCardinalityKeys.IDEMPOTENCY_KEY.withValue(context.getMessage().idempotencyKey()));
		Acknowledgement ack = context.getAcknowledgement();
		return (ack != null && ack.seq() != null)
				? values.and(SendHighCardinalityKeys.SEQ.withValue(ack.seq().toString())) : values;
	}

	/**
	 * The outcome: {@code pending}, {@code acked}, the hub's or client's error code of a
	 * rejected event (a small fixed set such as {@code invalid_event} or
	 * {@code max_attempts}), or {@code error}.
	 * @param context the observation of one send
	 * @return the outcome tag's value
	 */
	private static String outcome(SendObservationContext context) {
		if (context.getAcknowledgement() != null) {
			return ACKED;
		}
		Throwable error = context.getError();
		if (error == null) {
			return PENDING;
		}
		return (error instanceof EventRejectedException rejected) ? rejected.getCode() : ERROR;
	}

}

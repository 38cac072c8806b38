package dev.realtime.metrics;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations of a realtime client.
 */
public enum RealtimeObservationDocumentation implements ObservationDocumentation {

	/**
	 * One outbound event, from {@code sendEvent} to the hub's ack or the event's
	 * rejection.
	 */
	SEND {

		@Override
		public String getName() {
			return DefaultSendObservationConvention.NAME;
		}

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultSendObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return SendLowCardinalityKeys.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return SendHighCardinalityKeys.values();
		}

	};

	/**
	 * Low-cardinality keys of {@link #SEND}.
	 */
	public enum SendLowCardinalityKeys implements KeyName {

		/** The sending client's user. */
		USER {
			@Override
			public String asString() {
				return "realtime.user";
			}
		},

		/** The delivery strategy, for example {@code at_least_once}. */
		DELIVERY {
			@Override
			public String asString() {
				return "realtime.delivery";
			}
		},

		/**
		 * {@code acked}, a rejection code such as {@code invalid_event}, or
		 * {@code error}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "realtime.outcome";
			}
		}

	}

	/**
	 * High-cardinality keys of {@link #SEND}.
	 */
	public enum SendHighCardinalityKeys implements KeyName {

		/** The event name, for example {@code chat.message}. */
		EVENT {
			@Override
			public String asString() {
				return "realtime.event";
			}
		},

		/** The event's idempotency key. */
		IDEMPOTENCY_KEY {
			@Override
			public String asString() {
				return "realtime.idempotency.key";
			}
		},

		/** The event's outbound seq, once acked. */
		SEQ {
			@Override
			public String asString() {
				return "realtime.seq";
			}
		}

	}

}

package dev.realtime.metrics;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * The meters of a realtime client, all tagged with {@link #USER_TAG} (one value per
 * client). Names are dot-separated and carry no unit or {@code .total} suffix: registries
 * add those.
 */
public enum RealtimeMeters {

	/** Connections restored after a loss. */
	RECONNECTS("realtime.reconnects", "Connections restored after a loss", BaseUnits.CONNECTIONS, Meter.Type.COUNTER),

	/** Time from losing the connection to being connected and resumed again. */
	RECONNECT_DURATION("realtime.reconnect.duration",
			"Time from losing the connection to being connected and resumed again", "seconds", Meter.Type.TIMER),

	/** Whether the client is connected: 1 or 0. */
	CONNECTED("realtime.connected", "Whether the client is connected and resumed (1) or not (0)", BaseUnits.CONNECTIONS,
			Meter.Type.GAUGE),

	/**
	 * Whether a transport carries the client's connection: 1 for the one that does, 0 for
	 * the others; tagged {@link #TRANSPORT_TAG}.
	 */
	TRANSPORT("realtime.transport", "Whether this transport carries the connection (1) or not (0)",
			BaseUnits.CONNECTIONS, Meter.Type.GAUGE),

	/** Outbound events waiting for an ack. */
	OUTBOX_SIZE("realtime.outbox.size", "Outbound events waiting for an ack, dead letters excluded", BaseUnits.EVENTS,
			Meter.Type.GAUGE),

	/** Outbound events held as dead letters. */
	OUTBOX_DEAD("realtime.outbox.dead", "Outbound events held as dead letters", BaseUnits.EVENTS, Meter.Type.GAUGE),

	/**
	 * Times the hub resumed with an {@code ack_seq} above every seq the outbound queue
	 * gave out, so its unacked events took new seqs.
	 */
	OUTBOX_RESEQUENCES("realtime.outbox.resequences",
			"Times the hub acked seqs the outbound store never gave out (a database restored from a backup)"
					+ " and the unacked events took new seqs above them",
			"resequences", Meter.Type.COUNTER),

	/** Age of the oldest outbound event waiting for an ack, 0 when none is waiting. */
	OUTBOX_OLDEST_AGE("realtime.outbox.oldest.age",
			"Age of the oldest outbound event waiting for an ack, 0 when none is waiting", "seconds", Meter.Type.GAUGE),

	/** Outbound events written to the connection, resends included. */
	MESSAGES_SENT("realtime.messages.sent", "Outbound events written to the connection, resends included",
			BaseUnits.MESSAGES, Meter.Type.COUNTER),

	/** Outbound events acked by the hub. */
	MESSAGES_ACKED("realtime.messages.acked", "Outbound events of this process acked by the hub", BaseUnits.MESSAGES,
			Meter.Type.COUNTER),

	/** Inbound events stored. */
	MESSAGES_RECEIVED("realtime.messages.received", "Inbound events stored", BaseUnits.MESSAGES, Meter.Type.COUNTER),

	/** Inbound events dropped because they were already stored. */
	MESSAGES_DUPLICATES("realtime.messages.duplicates", "Inbound events dropped because they were already stored",
			BaseUnits.MESSAGES, Meter.Type.COUNTER),

	/**
	 * At-most-once events dropped: not connected, or the connection's write buffer was
	 * full.
	 */
	MESSAGES_DROPPED("realtime.messages.dropped",
			"At-most-once events dropped: not connected, or the connection's write buffer was full", BaseUnits.MESSAGES,
			Meter.Type.COUNTER),

	/**
	 * Events given up on, tagged {@link #DIRECTION_TAG}: outbound events dead-lettered,
	 * inbound events parked after their listeners kept failing.
	 */
	MESSAGES_FAILED("realtime.messages.failed",
			"Events given up on: outbound dead-lettered, inbound parked after listener failures", BaseUnits.MESSAGES,
			Meter.Type.COUNTER),

	/**
	 * Frames from the hub that were not valid protocol frames or broke the protocol's
	 * rules: what a broken or hostile hub sent.
	 */
	FRAMES_INVALID("realtime.frames.invalid",
			"Frames from the hub that were not valid protocol frames or broke the protocol's rules", "frames",
			Meter.Type.COUNTER),

	/** Time from {@code sendEvent} to the hub's ack. */
	ACK_LATENCY("realtime.ack.latency", "Time from sendEvent to the hub's ack", "seconds", Meter.Type.TIMER),

	/** Token refreshes, tagged {@link #OUTCOME_TAG}. */
	TOKEN_REFRESHES("realtime.token.refreshes", "Token refreshes by outcome", BaseUnits.OPERATIONS, Meter.Type.COUNTER),

	/**
	 * Users with a client of {@code RealtimeClients} on this instance, tagged
	 * {@link #STATE_TAG}; not tagged by user.
	 */
	USERS("realtime.users", "Users with a client on this instance, by connection state", "users", Meter.Type.GAUGE),

	/**
	 * Events accepted by {@code sendEvent} of every user's client; not tagged by user.
	 */
	USERS_MESSAGES_SENT("realtime.users.messages.sent", "Events accepted by sendEvent of every user's client",
			BaseUnits.MESSAGES, Meter.Type.COUNTER),

	/** Outbound events of every user's client acked by the hub; not tagged by user. */
	USERS_MESSAGES_ACKED("realtime.users.messages.acked", "Outbound events of every user's client acked by the hub",
			BaseUnits.MESSAGES, Meter.Type.COUNTER),

	/**
	 * Inbound events handed to the listeners of every user's client; not tagged by user.
	 */
	USERS_MESSAGES_RECEIVED("realtime.users.messages.received",
			"Inbound events handed to the listeners of every user's client", BaseUnits.MESSAGES, Meter.Type.COUNTER);

	/** Tag naming the client's user. */
	public static final String USER_TAG = "user";

	/**
	 * Tag of {@link #USERS}: the connection state in lower case, for example
	 * {@code connected}.
	 */
	public static final String STATE_TAG = "state";

	/**
	 * Tag of {@link #TRANSPORT}: one of {@link #TRANSPORTS}.
	 */
	public static final String TRANSPORT_TAG = "transport";

	/**
	 * The transports {@link #TRANSPORT} is registered for, as their sessions name them.
	 */
	public static final List<String> TRANSPORTS = List.of("websocket", "socketio", "http");

	/** Tag of {@link #MESSAGES_FAILED}: {@code outbound} or {@code inbound}. */
	public static final String DIRECTION_TAG = "direction";

	/**
	 * Tag of {@link #TOKEN_REFRESHES}: {@code success}, {@code transient_failure} or
	 * {@code permanent_failure}.
	 */
	public static final String OUTCOME_TAG = "outcome";

	private final String name;

	private final String description;

	private final String baseUnit;

	private final Meter.Type type;

	RealtimeMeters(String name, String description, String baseUnit, Meter.Type type) {
		this.name = name;
		this.description = description;
		this.baseUnit = baseUnit;
		this.type = type;
	}

	/**
	 * Return the meter's name.
	 * @return the dot-separated name
	 */
	public String getName() {
		return this.name;
	}

	/**
	 * Return what the meter measures.
	 * @return the description
	 */
	public String getDescription() {
		return this.description;
	}

	/**
	 * Return the meter's base unit; timers and time gauges are published in the
	 * registry's base time unit, seconds for most.
	 * @return the base unit
	 */
	public String getBaseUnit() {
		return this.baseUnit;
	}

	/**
	 * Return the meter's type.
	 * @return the type
	 */
	public Meter.Type getType() {
		return this.type;
	}

	<T> FunctionCounter.Builder<T> functionCounter(T source, ToDoubleFunction<T> count) {
		return FunctionCounter.builder(this.name, source, count).description(this.description).baseUnit(this.baseUnit);
	}

	<T> Gauge.Builder<T> gauge(T source, ToDoubleFunction<T> value) {
		return Gauge.builder(this.name, source, value).description(this.description).baseUnit(this.baseUnit);
	}

	<T> TimeGauge.Builder<T> timeGauge(T source, TimeUnit unit, ToDoubleFunction<T> value) {
		return TimeGauge.builder(this.name, source, unit, value).description(this.description);
	}

	Counter.Builder counter() {
		return Counter.builder(this.name).description(this.description).baseUnit(this.baseUnit);
	}

	Timer.Builder timer() {
		return Timer.builder(this.name).description(this.description);
	}

}

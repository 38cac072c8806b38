package dev.realtime.client.internal;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.EventRejectedException;
import dev.realtime.client.EventTooLargeException;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.protocol.EventFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.FrameSizes;

/**
 * The outbound side of a client: accepts the application's events into the outbound queue
 * (or, at most once, straight for the connection), writes the frames the relay claimed,
 * and hands the hub's acks and rejections to the relay, never for more than was sent.
 * Sends run on the sender's thread; the rest on the client's event loop.
 */
final class OutboundEvents {

	private static final Log logger = LogFactory.getLog(OutboundEvents.class);

	/**
	 * Code of the rejection of an at-most-once event dropped because too much waits to be
	 * written to the hub.
	 */
	private static final String BACKPRESSURE = "backpressure";

	/**
	 * The highest seq the protocol allows: 2^53 - 1, the largest integer every JSON
	 * parser keeps exactly.
	 */
	static final long MAX_SEQ = (1L << 53) - 1;

	private final ClientSettings settings;

	private final FrameCodec codec;

	private final Clock clock;

	private final OutboundQueue queue;

	private final SendTracker tracker;

	private final OutboundRelay relay;

	private final ListenerRegistry listeners;

	private final ClientCounters counters;

	/** Posts to the loop. */
	private final Executor post;

	/**
	 * The connection while the client is connected, else {@code null}; read on the loop
	 * thread.
	 */
	private final Supplier<@Nullable Connection> connected;

	/** At-most-once events waiting for the loop. */
	private final Queue<AtMostOnce> atMostOnce = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean atMostOnceScheduled = new AtomicBoolean();

	OutboundEvents(ClientSettings settings, FrameCodec codec, Clock clock, OutboundQueue queue, SendTracker tracker,
			OutboundRelay relay, ListenerRegistry listeners, ClientCounters counters, Executor post,
			Supplier<@Nullable Connection> connected) {
		this.settings = settings;
		this.codec = codec;
		this.clock = clock;
		this.queue = queue;
		this.tracker = tracker;
		this.relay = relay;
		this.listeners = listeners;
		this.counters = counters;
		this.post = post;
		this.connected = connected;
	}

	/**
	 * Accept an event: see {@link RealtimeClient#sendEvent(String, Object, SendOptions)}.
	 * @param event the event name
	 * @param payload the payload, converted to JSON
	 * @param options the delivery strategy and idempotency key, where given
	 * @return the handle the ack or the rejection completes
	 */
	SendHandle send(String event, @Nullable Object payload, SendOptions options) {
		if (event == null || event.isBlank()) {
			throw new IllegalArgumentException("Event name must not be blank");
		}
		if (!EventFields.isEventName(event)) {
			throw new IllegalArgumentException(
					"Event name '" + event + "' is not valid: use " + EventFields.EVENT_NAME_RULE);
		}
		if (options.idempotencyKey() != null && !EventFields.isIdempotencyKey(options.idempotencyKey())) {
			throw new IllegalArgumentException(
					"Idempotency key of event '" + event + "' is not valid: use " + EventFields.IDEMPOTENCY_KEY_RULE);
		}
		JsonNode json;
		try {
			json = this.codec.toPayload(payload);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException(
					"Payload of event '" + event + "' cannot be converted to JSON: " + ex.getMessage(), ex);
		}
		DeliveryStrategy strategy = Objects.requireNonNullElse(options.deliveryStrategy(),
				this.settings.defaultDeliveryStrategy());
		String key = Objects.requireNonNullElseGet(options.idempotencyKey(), () -> UUID.randomUUID().toString());
		OutboundMessage message = new OutboundMessage(key, event, json, this.clock.instant());
		String clientId = this.queue.clientId();
		if (strategy == DeliveryStrategy.AT_MOST_ONCE) {
			// no seq: the frame as it will be sent, encoded once
			String frame = this.codec.encode(new EventFrame(null, clientId, key, event, json, message.createdAt()));
			checkFrameSize(event, FrameSizes.utf8Length(frame));
			// held by the queue until sent or dropped, which is soon: nothing to track
			SendOutcome outcome = new SendOutcome((requested) -> {
			});
			SendHandle handle = accepted(message, new SendHandle(key, strategy, outcome));
			this.atMostOnce.add(new AtMostOnce(key, frame, outcome));
			if (this.atMostOnceScheduled.compareAndSet(false, true)) {
				this.post.execute(this::sendAtMostOnce);
			}
			return handle;
		}
		checkFrameSize(event,
				FrameSizes.maxEventFrameBytes(this.codec, clientId, key, event, json, message.createdAt()));
		SendTracker.Handle tracked = this.tracker.track(key);
		boolean added;
		try {
			added = this.queue.enqueue(message, strategy == DeliveryStrategy.AT_LEAST_ONCE, new EnqueueOutcome() {

				@Override
				public void claimable() {
					OutboundEvents.this.relay.wake();
				}

				@Override
				public void discarded() {
					if (OutboundEvents.this.tracker.forget(key, tracked)) {
						tracked.outcome()
							.fail(new EventRejectedException(key, "rolled_back",
									"the sender's transaction rolled back"));
					}
				}

			});
		}
		catch (RuntimeException ex) {
			this.tracker.forget(key, tracked);
			throw ex;
		}
		SendHandle handle = new SendHandle(key, strategy, tracked.outcome());
		// an event with the key of a pending one is that event: one delivery, one handle
		return added ? accepted(message, handle) : handle;
	}

	private SendHandle accepted(OutboundMessage message, SendHandle handle) {
		this.listeners.accepted(message, handle);
		return handle;
	}

	private void checkFrameSize(String event, long frameBytes) {
		if (frameBytes > this.settings.maxFrameSize()) {
			throw new EventTooLargeException(event, frameBytes, this.settings.maxFrameSize());
		}
	}

	/**
	 * Send the at-most-once events queued since the last time, several to a frame when
	 * the sender is faster than the connection.
	 */
	private void sendAtMostOnce() {
		this.atMostOnceScheduled.set(false);
		List<AtMostOnce> queued = new ArrayList<>();
		for (AtMostOnce next = this.atMostOnce.poll(); next != null; next = this.atMostOnce.poll()) {
			queued.add(next);
		}
		Connection connection = this.connected.get();
		int next = 0;
		for (FramePacker.Packed packed : FramePacker.pack(queued.stream().map(AtMostOnce::frame).toList(),
				this.settings.batchSize(), this.settings.maxFrameSize())) {
			Connection.Written written = (connection != null) ? connection.offer(packed.text())
					: Connection.Written.NOT_SENT;
			// counted first: whoever the handle tells finds the count moved
			AtomicLong count = (written == Connection.Written.SENT) ? this.counters.sent : this.counters.dropped;
			count.addAndGet(packed.frames());
			for (AtMostOnce event : queued.subList(next, next + packed.frames())) {
				if (written == Connection.Written.SENT) {
					event.outcome().complete(new Acknowledgement(event.key(), null, null));
				}
				else {
					event.outcome().fail(dropped(event.key(), written, connection != null));
				}
			}
			next += packed.frames();
		}
	}

	private static EventRejectedException dropped(String key, Connection.Written written, boolean connected) {
		if (written == Connection.Written.DROPPED) {
			return new EventRejectedException(key, BACKPRESSURE,
					"at-most-once event dropped: the hub reads slower than events are sent, and the connection's "
							+ "write buffer is full");
		}
		return new EventRejectedException(key, "not_connected",
				"at-most-once event dropped: " + (connected ? "the connection broke" : "not connected"));
	}

	/**
	 * Write frames of events the relay claimed for this connection; if it is not ready,
	 * the next one resends them.
	 * @param connection the connection the events were claimed for
	 * @param frames the encoded frames
	 * @param events how many events the frames carry
	 * @param lastSeq the highest seq in the frames
	 */
	void sendClaimed(Connection connection, List<String> frames, int events, long lastSeq) {
		if (!connection.isResumed()) {
			return;
		}
		for (String frame : frames) {
			if (!connection.send(frame)) {
				return;
			}
		}
		connection.sentUpTo(lastSeq);
		this.counters.sent.addAndGet(events);
	}

	/**
	 * The hub acked outbound events. A live ack of more than was sent claims what never
	 * happened and completes nothing: an invalid frame. A resume's {@code ack_seq} above
	 * what was sent is settled by the relay before anything is sent: a restored store
	 * gives its unacked events new seqs, a lost record of what was sent resends them.
	 * @param connection the connection the ack arrived on
	 * @param ackSeq the highest seq the hub acked
	 * @param resume whether the ack came with a {@code resume_response}
	 */
	void acked(Connection connection, long ackSeq, boolean resume) {
		long bound = sentBound(connection);
		if (ackSeq <= bound) {
			this.relay.acked(ackSeq);
		}
		else if (ackSeq > MAX_SEQ) {
			invalid(connection, "Hub " + (resume ? "resumed with ack_seq " : "acked seq ") + ackSeq
					+ ", above the protocol's highest seq " + MAX_SEQ + "; completing nothing");
		}
		else if (resume) {
			this.relay.resumedBeyondSent(ackSeq, bound);
		}
		else {
			invalid(connection, "Hub acked seq " + ackSeq + ", beyond the highest seq this client sent (" + bound
					+ "); completing nothing");
		}
	}

	/**
	 * The hub rejected an outbound event for good; a rejection of a seq never sent is an
	 * invalid frame and is ignored.
	 * @param connection the connection the rejection arrived on
	 * @param seq the seq of the rejected event
	 * @param code the hub's error code
	 * @param message the hub's error message
	 */
	void rejected(Connection connection, long seq, String code, String message) {
		long bound = sentBound(connection);
		if (seq > bound) {
			invalid(connection, "Hub rejected outbound seq " + seq + ", which this client never sent (highest " + bound
					+ "); ignored");
			return;
		}
		logger.warn("Hub rejected outbound event seq " + seq + " (" + code + "): " + message);
		this.relay.rejected(seq, code, message);
	}

	/**
	 * Count an ack or a rejection of what was never sent; the first on a connection is
	 * logged, and the caller closes the connection after
	 * {@link Connection#MAX_FALSE_CLAIMS}.
	 * @param connection the connection the frame arrived on
	 * @param problem what the frame claimed, for the log
	 */
	private void invalid(Connection connection, String problem) {
		this.counters.invalidFrames.incrementAndGet();
		if (connection.falseClaim() == 1) {
			logger.warn(problem + " (counted as an invalid frame; the connection is closed with 1002 after "
					+ Connection.MAX_FALSE_CLAIMS + " such frames)");
		}
	}

	private long sentBound(Connection connection) {
		return Math.max(connection.highestSent(), this.relay.highestSeq());
	}

	/**
	 * An at-most-once event, encoded, waiting to be sent.
	 */
	private record AtMostOnce(String key, String frame, SendOutcome outcome) {
	}

}

package dev.realtime.client.internal;

import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

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
 * Where the application's events enter the client: checks them, serializes each payload
 * to JSON text once (the size check, the outbox row and the frame all use that text), and
 * puts them into the outbound queue, from which the relay sends them, or, at most once,
 * straight to the {@link AtMostOnceSender}. Runs on the sender's thread.
 */
final class OutboundEvents {

	private final ClientSettings settings;

	private final FrameCodec codec;

	private final Clock clock;

	private final OutboundQueue queue;

	private final SendTracker tracker;

	/**
	 * Wakes the relay when an event sent here becomes claimable
	 * ({@link EnqueueOutcome#claimable()}); events that become claimable elsewhere (a
	 * retried dead letter, another instance's commit) wake it through the queue's
	 * {@code onClaimable} instead.
	 */
	private final Runnable wakeRelay;

	private final ListenerRegistry listeners;

	private final AtMostOnceSender atMostOnce;

	OutboundEvents(ClientSettings settings, FrameCodec codec, Clock clock, OutboundQueue queue, SendTracker tracker,
			Runnable wakeRelay, ListenerRegistry listeners, AtMostOnceSender atMostOnce) {
		this.settings = settings;
		this.codec = codec;
		this.clock = clock;
		this.queue = queue;
		this.tracker = tracker;
		this.wakeRelay = wakeRelay;
		this.listeners = listeners;
		this.atMostOnce = atMostOnce;
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
		// serialized here, once: the size check, the outbox row and the frame use this
		// text
		String json;
		try {
			json = this.codec.toPayloadJson(payload);
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
			String frame = this.codec
				.encode(new EventFrame(null, clientId, key, event, FrameCodec.rawPayload(json), message.createdAt()));
			checkFrameSize(event, FrameSizes.utf8Length(frame));
			// held by the queue until sent or dropped, which is soon: nothing to track
			SendOutcome outcome = new SendOutcome((requested) -> {
			});
			SendHandle handle = accepted(message, new SendHandle(key, strategy, outcome));
			this.atMostOnce.send(key, frame, outcome);
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
					OutboundEvents.this.wakeRelay.run();
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

}

package dev.realtime.hub;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.realtime.hub.ValidatedEvent.Audience;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MessageElement;

/**
 * Checks each event a client sends before it is accepted: its name, client_id,
 * idempotency key and payload size, and for an event to a room or a read receipt, that
 * the sender may join the room (sending there joins it). Decides who receives the event
 * and stamps the sender's {@code user_id} where receivers need it.
 */
class HubEventValidator {

	private final HubRooms rooms;

	private final FrameCodec codec;

	private final HubProperties properties;

	HubEventValidator(HubRooms rooms, FrameCodec codec, HubProperties properties) {
		this.rooms = rooms;
		this.codec = codec;
		this.properties = properties;
	}

	/**
	 * Validate one element of a received message.
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param element the element as received, decoded or with the seq to reject
	 * @return the validated event, or its rejection
	 */
	ValidatedEvent validate(String clientId, String userId, MessageElement element) {
		if (element.frame() instanceof EventFrame event) {
			return validate(clientId, userId, event);
		}
		// undecodable but with a seq: rejected for good, and it still counts toward the
		// ack
		EventFrame placeholder = new EventFrame(element.rejectedSeq(), null, null, "invalid",
				this.codec.toPayload(null), null);
		return ValidatedEvent.rejected(placeholder,
				new ErrorFrame(ErrorFrame.INVALID_EVENT, String.valueOf(element.problem()), element.rejectedSeq()));
	}

	private ValidatedEvent validate(String clientId, String userId, EventFrame event) {
		Long seq = event.seq();
		if (!EventFields.isEventName(event.event())) {
			return ValidatedEvent.rejected(event,
					new ErrorFrame(ErrorFrame.INVALID_EVENT, "Event name '" + abbreviate(event.event())
							+ "' is not valid: use letters, digits and . _ : / - (at most 200)", seq));
		}
		if (event.clientId() != null && !event.clientId().equals(clientId)) {
			return ValidatedEvent.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"Field client_id does not match the connection's client_id", seq));
		}
		String key = event.idempotencyKey();
		if (key != null && (key.isEmpty() || key.length() > EventFields.MAX_LENGTH)) {
			return ValidatedEvent.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"Field idempotency_key must have 1 to " + EventFields.MAX_LENGTH + " characters", seq));
		}
		String payloadJson = this.codec.mapper().writeValueAsString(event.payload());
		long maxPayload = this.properties.getMaxPayloadSize().toBytes();
		// a char is at most 3 UTF-8 bytes: count bytes only when it could matter
		if ((long) payloadJson.length() * 3 > maxPayload) {
			long bytes = payloadJson.getBytes(StandardCharsets.UTF_8).length;
			if (bytes > maxPayload) {
				return ValidatedEvent.rejected(event, new ErrorFrame(ErrorFrame.PAYLOAD_TOO_LARGE,
						"Payload has " + bytes + " bytes, the hub accepts at most " + maxPayload, seq));
			}
		}
		if (EventFrame.RECEIPT_READ.equals(event.event())) {
			return receipt(userId, event);
		}
		JsonNode room = event.payload().path("room");
		if (room.isMissingNode() || room.isNull()) {
			return new ValidatedEvent(event, payloadJson, Audience.SENDER, null);
		}
		if (!room.isString() || !ChannelFields.isId(room.stringValue())) {
			return ValidatedEvent.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"Field room must be a string of " + ChannelFields.ID_RULE, seq));
		}
		// sending to a room joins it, before its events are fanned out to the members
		if (!this.rooms.join(userId, room.stringValue())) {
			return forbidden(event, room.stringValue());
		}
		// receivers learn who wrote to the room from the hub, which authenticated the
		// sender
		return withUserId(event, userId, Audience.MEMBERS, room.stringValue());
	}

	/**
	 * Reject an event that would have joined a room the user may not join: for good, so
	 * the client dead-letters it instead of resending it.
	 * @param event the event
	 * @param room the room
	 * @return the rejection, naming the room
	 */
	private static ValidatedEvent forbidden(EventFrame event, String room) {
		return ValidatedEvent.rejected(event, new ErrorFrame(ErrorFrame.FORBIDDEN,
				"Not allowed to join room '" + abbreviate(room) + "'; the event was not accepted", event.seq()));
	}

	/**
	 * A read receipt names its message and channel; the hub adds the reader.
	 * @param userId the reader
	 * @param event the {@code receipt.read} event
	 * @return the stamped receipt, or its rejection
	 */
	private ValidatedEvent receipt(String userId, EventFrame event) {
		JsonNode messageId = event.payload().path("message_id");
		JsonNode channelId = event.payload().path("channel_id");
		if (!messageId.isString() || !channelId.isString() || !ChannelFields.isId(messageId.stringValue())
				|| !ChannelFields.isId(channelId.stringValue())) {
			return ValidatedEvent.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"A receipt.read payload needs message_id and channel_id strings of " + ChannelFields.ID_RULE,
					event.seq()));
		}
		// reading in a channel joins it, before the receipt is fanned out to the members
		if (!this.rooms.join(userId, channelId.stringValue())) {
			return forbidden(event, channelId.stringValue());
		}
		return withUserId(event, userId, Audience.OTHER_MEMBERS, channelId.stringValue());
	}

	/**
	 * Stamp the sender's {@code user_id} into an object payload, replacing any the client
	 * set.
	 * @param event the event, whose payload is an object
	 * @param userId the sender
	 * @param audience who receives the event
	 * @param room the room or channel the event is for
	 * @return the stamped event
	 */
	private ValidatedEvent withUserId(EventFrame event, String userId, Audience audience, String room) {
		JsonNode payload = ((ObjectNode) event.payload()).deepCopy().put("user_id", userId);
		EventFrame stamped = new EventFrame(event.seq(), event.clientId(), event.idempotencyKey(), event.event(),
				payload, event.timestamp());
		return new ValidatedEvent(stamped, this.codec.mapper().writeValueAsString(payload), audience, room);
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}

package dev.realtime.hub;

import org.jspecify.annotations.Nullable;

import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;

/**
 * An event after validation: who it goes to, or why it was rejected.
 *
 * @param frame the event, stamped with the sender's {@code user_id} where the hub adds it
 * @param payloadJson the payload as JSON text, as stored
 * @param audience who receives the event
 * @param room the room or channel the event goes to, if any
 * @param error the rejection, or {@code null} when the event may be accepted
 */
record ValidatedEvent(EventFrame frame, String payloadJson, Audience audience, @Nullable String room,
		@Nullable ErrorFrame error) {

	ValidatedEvent(EventFrame frame, String payloadJson, Audience audience, @Nullable String room) {
		this(frame, payloadJson, audience, room, null);
	}

	static ValidatedEvent rejected(EventFrame frame, ErrorFrame error) {
		return new ValidatedEvent(frame, "", Audience.SENDER, null, error);
	}

	/**
	 * Who an accepted event goes to.
	 */
	enum Audience {

		/** The sender's own stream. */
		SENDER,

		/** The room's members, the sender included. */
		MEMBERS,

		/** The room's members but the sender. */
		OTHER_MEMBERS

	}

}

package dev.realtime.hub;

import dev.realtime.protocol.EventFrame;

/**
 * An event of a user's inbound stream as it goes on the wire, with the length of its
 * payload text so that frames can be kept under the protocol's size limit without
 * encoding twice.
 *
 * @param frame the event frame, its seq being the user's stream seq
 * @param payloadLength the length of the payload as JSON text
 */
record StreamEvent(EventFrame frame, int payloadLength) {

	/** Room for the envelope: type, seq, ids, event name, timestamp, field names. */
	private static final int ENVELOPE = 768;

	long seq() {
		Long seq = this.frame.seq();
		return (seq != null) ? seq : 0;
	}

	int approximateSize() {
		return this.payloadLength + ENVELOPE;
	}

}

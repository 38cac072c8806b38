package dev.realtime.protocol;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Sizes of frames as they go over the wire: the frame limit of the protocol counts the
 * bytes of a text message's UTF-8 encoding.
 */
public final class FrameSizes {

	/** The widest seq an event can have, so a size computed with it holds for any seq. */
	private static final long WIDEST_SEQ = Long.MAX_VALUE;

	private FrameSizes() {
	}

	/**
	 * Return the largest size the event frame of an outbound event can have, whatever seq
	 * it is given: the envelope encoded with the widest seq and an empty payload, plus
	 * the payload's bytes (the payload text is not copied into a frame to be measured).
	 * @param codec the codec that will encode it
	 * @param clientId the client id the frame carries
	 * @param idempotencyKey the idempotency key
	 * @param event the event name
	 * @param payloadJson the payload's JSON text, as the frame will carry it
	 * @param timestamp the timestamp the frame carries
	 * @return the size in bytes
	 */
	public static long maxEventFrameBytes(FrameCodec codec, String clientId, String idempotencyKey, String event,
			String payloadJson, @Nullable Instant timestamp) {
		String envelope = codec
			.encode(new EventFrame(WIDEST_SEQ, clientId, idempotencyKey, event, FrameCodec.rawPayload(""), timestamp));
		return utf8Length(envelope) + utf8Length(payloadJson);
	}

	/**
	 * Return the number of bytes of a text's UTF-8 encoding, without encoding it.
	 * @param text the text
	 * @return the size in bytes
	 */
	public static long utf8Length(CharSequence text) {
		long bytes = 0;
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < 0x80) {
				bytes++;
			}
			else if (c < 0x800) {
				bytes += 2;
			}
			else if (Character.isHighSurrogate(c) && i + 1 < text.length()
					&& Character.isLowSurrogate(text.charAt(i + 1))) {
				bytes += 4;
				i++;
			}
			else {
				// a lone surrogate is encoded as '?', one byte, by the JDK's encoder
				bytes += Character.isSurrogate(c) ? 1 : 3;
			}
		}
		return bytes;
	}

}

package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.spi.SequencedMessage;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.FrameSizes;

/**
 * Packs encoded frames into as few text messages as a batch size and the frame limit
 * allow: a message of one frame is the bare frame (so a frame of exactly the limit fits),
 * a message of several is a JSON array.
 */
final class FramePacker {

	private FramePacker() {
	}

	/**
	 * Encode claimed events and pack them, in seq order.
	 * @param codec encodes the event frames
	 * @param clientId the client's id, put in each frame
	 * @param claimed the claimed events, in seq order
	 * @param maxFrames the most frames in one message
	 * @param maxBytes the largest message, in bytes of UTF-8
	 * @return the messages' texts, in order
	 */
	static List<String> packEvents(FrameCodec codec, @Nullable String clientId, List<SequencedMessage> claimed,
			int maxFrames, long maxBytes) {
		List<String> encoded = new ArrayList<>(claimed.size());
		for (SequencedMessage claimedMessage : claimed) {
			OutboundMessage message = claimedMessage.message();
			encoded.add(codec.encode(new EventFrame(claimedMessage.seq(), clientId, message.idempotencyKey(),
					message.event(), FrameCodec.rawPayload(message.payloadJson()), message.createdAt())));
		}
		return pack(encoded, maxFrames, maxBytes).stream().map(Packed::text).toList();
	}

	/**
	 * Pack frames, in order.
	 * @param encoded the encoded frames
	 * @param maxFrames the most frames in one message
	 * @param maxBytes the largest message, in bytes of UTF-8
	 * @return the messages, in order
	 */
	static List<Packed> pack(List<String> encoded, int maxFrames, long maxBytes) {
		List<Packed> messages = new ArrayList<>();
		List<String> batch = new ArrayList<>();
		long batchBytes = 0;
		for (String frame : encoded) {
			long bytes = FrameSizes.utf8Length(frame);
			// an array adds its brackets and a comma per further element
			if (!batch.isEmpty() && (batch.size() == maxFrames || batchBytes + 1 + bytes + 2 > maxBytes)) {
				messages.add(join(batch));
				batch.clear();
				batchBytes = 0;
			}
			batch.add(frame);
			batchBytes += (batch.size() == 1) ? bytes : 1 + bytes;
		}
		if (!batch.isEmpty()) {
			messages.add(join(batch));
		}
		return messages;
	}

	private static Packed join(List<String> batch) {
		String text = (batch.size() == 1) ? batch.get(0) : "[" + String.join(",", batch) + "]";
		return new Packed(text, batch.size());
	}

	/**
	 * A text message and how many frames it carries.
	 *
	 * @param text the message: one frame, or a JSON array of frames
	 * @param frames how many frames it carries
	 */
	record Packed(String text, int frames) {
	}

}

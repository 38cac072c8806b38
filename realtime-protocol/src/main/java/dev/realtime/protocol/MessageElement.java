package dev.realtime.protocol;

import org.jspecify.annotations.Nullable;

/**
 * One element of a received text message, as {@link FrameCodec#decodeElements(String)}
 * reports it: a valid frame, or the problem that makes it invalid. A batch (a JSON array)
 * has one element per array element, in order; any other message is one element.
 * <p>
 * An invalid {@code event} element that still names a usable {@code seq} (an integer of
 * at least 1) carries it as {@link #rejectedSeq()}: a server rejects that seq with
 * {@link ErrorFrame#INVALID_EVENT}, so the client dead-letters the event instead of
 * resending it forever.
 *
 * @param frame the decoded frame, or {@code null} if the element is invalid
 * @param problem what is wrong with the element, naming it in a batch
 * ({@code Batch element 2: …}), or {@code null} if it is valid
 * @param rejectedSeq the seq an invalid {@code event} element names, or {@code null}
 */
public record MessageElement(@Nullable Frame frame, @Nullable String problem, @Nullable Long rejectedSeq) {

	public MessageElement {
		if ((frame == null) == (problem == null)) {
			throw new IllegalArgumentException("An element is either a frame or a problem");
		}
		if (frame != null && rejectedSeq != null) {
			throw new IllegalArgumentException("A valid frame has no rejected seq");
		}
	}

	static MessageElement valid(Frame frame) {
		return new MessageElement(frame, null, null);
	}

	static MessageElement invalid(String problem, @Nullable Long rejectedSeq) {
		return new MessageElement(null, problem, rejectedSeq);
	}

}

package dev.realtime.protocol;

/**
 * A cumulative acknowledgement: every event with a seq up to and including {@code ackSeq}
 * is durably stored by the side that sends it.
 *
 * @param ackSeq the highest acknowledged seq
 */
public record AckFrame(long ackSeq) implements Frame {

	@Override
	public FrameType type() {
		return FrameType.ACK;
	}

}

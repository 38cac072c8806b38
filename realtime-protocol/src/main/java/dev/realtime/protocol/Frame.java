package dev.realtime.protocol;

/**
 * One frame of the realtime protocol. A text message on the wire holds one frame or a
 * JSON array of frames (a batch), processed in order.
 */
public sealed interface Frame permits EventFrame, AckFrame, ResumeFrame, ResumeResponseFrame, MetaFrame, ErrorFrame {

	/**
	 * Return the frame's type, as named by the {@code type} field on the wire.
	 * @return the frame type
	 */
	FrameType type();

}

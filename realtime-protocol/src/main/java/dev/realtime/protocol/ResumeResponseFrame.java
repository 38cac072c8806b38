package dev.realtime.protocol;

import java.util.List;

/**
 * The server's answer to {@link ResumeFrame}.
 *
 * @param ackSeq the highest outbound seq of this client the server has already accepted
 * @param events missed inbound events with a seq above the client's {@code last_ack_seq},
 * in order
 * @param hasMore whether the client should send {@code resume} again to page on
 * @param reset whether the client is behind the server's retention window and must drop
 * its inbound store and continue from {@code lastSeq}
 * @param lastSeq the server's latest inbound seq for the user (meaningful with
 * {@code reset})
 */
public record ResumeResponseFrame(long ackSeq, List<EventFrame> events, boolean hasMore, boolean reset,
		long lastSeq) implements Frame {

	public ResumeResponseFrame {
		events = List.copyOf(events);
	}

	@Override
	public FrameType type() {
		return FrameType.RESUME_RESPONSE;
	}

}

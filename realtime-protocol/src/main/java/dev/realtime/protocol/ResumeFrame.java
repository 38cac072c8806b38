package dev.realtime.protocol;

/**
 * Sent by the client first after every (re)connect.
 *
 * @param clientId the client's durable {@code client_id}
 * @param lastAckSeq the highest inbound seq the client has stored, 0 when none
 */
public record ResumeFrame(String clientId, long lastAckSeq) implements Frame {

	@Override
	public FrameType type() {
		return FrameType.RESUME;
	}

}

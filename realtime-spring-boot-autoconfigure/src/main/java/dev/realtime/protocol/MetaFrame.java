package dev.realtime.protocol;

import tools.jackson.databind.JsonNode;

/**
 * An ephemeral signal, never stored nor resent: {@code ping}, {@code pong},
 * {@code typing.start}, {@code typing.stop}, {@code presence.update}.
 *
 * @param event the signal name
 * @param payload the payload, an empty object when the signal has none
 */
public record MetaFrame(String event, JsonNode payload) implements Frame {

	/** Heartbeat request, sent by the client. */
	public static final String PING = "ping";

	/** Heartbeat answer, sent by the server. */
	public static final String PONG = "pong";

	@Override
	public FrameType type() {
		return FrameType.META;
	}

}

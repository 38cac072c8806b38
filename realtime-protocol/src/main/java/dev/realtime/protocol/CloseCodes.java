package dev.realtime.protocol;

/**
 * WebSocket close codes used by the protocol, with the client reaction each one calls
 * for.
 */
public final class CloseCodes {

	/**
	 * Normal close: the client stays disconnected if it asked for it, else reconnects.
	 */
	public static final int NORMAL = 1000;

	/** Server going away: reconnect with backoff. */
	public static final int GOING_AWAY = 1001;

	/** WebSocket protocol error (RFC 6455): reconnect with backoff. */
	public static final int WEBSOCKET_PROTOCOL_ERROR = 1002;

	/** Token expired: refresh the token and reconnect at once. */
	public static final int TOKEN_EXPIRED = 4001;

	/** Forbidden: no reconnect, the client fails. */
	public static final int FORBIDDEN = 4003;

	/** Rate limited or policy violation: reconnect with backoff. */
	public static final int RATE_LIMITED = 4008;

	/**
	 * Protocol error (bad frame): reconnect with backoff and log the server's message.
	 */
	public static final int PROTOCOL_ERROR = 4400;

	private CloseCodes() {
	}

}

package dev.realtime.transport;

import java.net.URI;

import org.apache.commons.logging.Log;
import org.jspecify.annotations.Nullable;

/**
 * How the transports log a connection that broke after it opened, without a close of
 * either side (the server went away, the network dropped it): an expected fault the
 * client recovers from, so one WARN line naming the transport, the server and the cause,
 * and the stack trace at DEBUG only.
 */
public final class ConnectionLoss {

	private ConnectionLoss() {
	}

	/**
	 * Log a lost connection.
	 * @param logger the transport's logger
	 * @param transport the transport's name
	 * @param server the server, of which host and port are logged (never the query)
	 * @param cause what broke it, if known
	 */
	public static void log(Log logger, String transport, URI server, @Nullable Throwable cause) {
		log(logger, transport, server, (cause != null) ? describe(cause) : "no close from the server", cause);
	}

	/**
	 * Log a lost connection.
	 * @param logger the transport's logger
	 * @param transport the transport's name
	 * @param server the server, of which host and port are logged (never the query)
	 * @param reason why, in a few words
	 * @param cause what broke it, if known, logged with its stack trace at DEBUG
	 */
	public static void log(Log logger, String transport, URI server, String reason, @Nullable Throwable cause) {
		String what = "Realtime " + transport + " connection to " + server.getHost()
				+ ((server.getPort() != -1) ? ":" + server.getPort() : "") + " lost";
		logger.warn(what + ": " + reason);
		if (cause != null && logger.isDebugEnabled()) {
			logger.debug(what, cause);
		}
	}

	/**
	 * Describe a failure in one line: its message, with the root cause's when another.
	 * @param failure the failure
	 * @return the description
	 */
	public static String describe(Throwable failure) {
		Throwable root = failure;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		String message = (root.getMessage() != null) ? root.getMessage() : root.getClass().getSimpleName();
		return (root == failure || failure.getMessage() == null) ? message
				: failure.getMessage() + " (" + message + ")";
	}

}

package dev.realtime.protocol;

/**
 * Thrown when text received on the wire is not a valid frame of protocol version 1. The
 * message names the problem; the offending text is not included since it may carry user
 * data.
 */
public class ProtocolException extends RuntimeException {

	public ProtocolException(String message) {
		super(message);
	}

	public ProtocolException(String message, Throwable cause) {
		super(message, cause);
	}

}

package dev.realtime.hub.security;

/**
 * A token the hub does not accept: unknown, malformed, badly signed, expired, of another
 * issuer or audience, or without the claims the hub needs. Its message says which, and
 * never holds the token.
 */
public class InvalidTokenException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param reason what is wrong with the token, without the token
	 */
	public InvalidTokenException(String reason) {
		super(reason);
	}

}

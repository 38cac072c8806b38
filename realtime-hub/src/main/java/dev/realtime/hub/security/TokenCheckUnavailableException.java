package dev.realtime.hub.security;

/**
 * A token that cannot be checked for now, for example because the issuer's keys cannot be
 * fetched: the client should retry later with the same token rather than get a new one.
 */
public class TokenCheckUnavailableException extends RuntimeException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param reason why the token cannot be checked, without the token
	 */
	public TokenCheckUnavailableException(String reason) {
		super(reason);
	}

}

package dev.realtime.auth;

/**
 * No token can be had. {@link #isPermanent()} tells whether retrying can help (the token
 * endpoint is down) or not (the credentials were rejected, for example
 * {@code invalid_grant}).
 */
public class TokenUnavailableException extends RuntimeException {

	private final boolean permanent;

	public TokenUnavailableException(String message, boolean permanent, Throwable cause) {
		super(message, cause);
		this.permanent = permanent;
	}

	public TokenUnavailableException(String message, boolean permanent) {
		super(message);
		this.permanent = permanent;
	}

	/**
	 * Return whether retrying cannot help.
	 * @return {@code true} if the credentials themselves were rejected
	 */
	public boolean isPermanent() {
		return this.permanent;
	}

}

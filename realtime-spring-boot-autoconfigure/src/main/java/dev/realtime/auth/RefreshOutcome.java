package dev.realtime.auth;

/**
 * Outcome of a token refresh, as counted by {@link RefreshingTokenProvider#refreshCount}.
 */
public enum RefreshOutcome {

	/**
	 * A new token was issued.
	 */
	SUCCESS,

	/**
	 * No token now, retrying can help (the issuer is down or timed out).
	 */
	TRANSIENT_FAILURE,

	/**
	 * The credentials were rejected; retrying cannot help.
	 */
	PERMANENT_FAILURE

}

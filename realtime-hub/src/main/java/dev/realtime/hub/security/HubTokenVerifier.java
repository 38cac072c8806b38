package dev.realtime.hub.security;

/**
 * Checks the bearer token presented at a handshake. The hub's is a
 * {@link StaticTokenVerifier} in front of a {@link JwtHubTokenVerifier}; a bean of this
 * type replaces it.
 */
@FunctionalInterface
public interface HubTokenVerifier {

	/**
	 * Verify a token.
	 * @param token the bearer token, never blank
	 * @return the user the token authenticates and until when
	 * @throws InvalidTokenException if the token is not accepted (the handshake is
	 * refused with 401)
	 * @throws TokenCheckUnavailableException if the token cannot be checked for now, for
	 * example because the issuer's keys cannot be fetched (refused with 503)
	 */
	VerifiedToken verify(String token);

}

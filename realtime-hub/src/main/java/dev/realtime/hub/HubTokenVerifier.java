package dev.realtime.hub;

import java.util.Optional;

/**
 * Checks the bearer token presented at the WebSocket handshake. The demo accepts static
 * tokens ({@link PropertiesHubTokenVerifier}) and HS256 JWTs
 * ({@link JwtHubTokenVerifier}).
 */
@FunctionalInterface
public interface HubTokenVerifier {

	/**
	 * Verify a token.
	 * @param token the bearer token, never blank
	 * @return the user the token authenticates and until when, or empty if the token is
	 * invalid or expired
	 */
	Optional<VerifiedToken> verify(String token);

}

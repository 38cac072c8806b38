package dev.realtime.demo.hub;

import java.util.Optional;

/**
 * Checks the bearer token presented at the WebSocket handshake. The demo maps static tokens to
 * users ({@code demo.hub.tokens}); signed tokens plug in here.
 */
@FunctionalInterface
public interface HubTokenVerifier {

	/**
	 * Verify a token.
	 * @param token the bearer token, never blank
	 * @return the user the token authenticates, or empty if the token is invalid or expired
	 */
	Optional<String> verify(String token);

}

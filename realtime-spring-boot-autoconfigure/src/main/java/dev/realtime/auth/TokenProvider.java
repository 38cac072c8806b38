package dev.realtime.auth;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the bearer token sent at every handshake. Implementations hold tokens in
 * memory only and never put them in {@code toString()}, exceptions or logs.
 */
public interface TokenProvider {

	/**
	 * Return the token to use for the next handshake, refreshing it first if it is about
	 * to expire. May block while a refresh is under way.
	 * @return the token, or {@code null} to connect without an {@code Authorization}
	 * header
	 * @throws TokenUnavailableException if no token can be had now
	 */
	@Nullable String getToken();

	/**
	 * Called when the hub rejected the token (HTTP 401 at the handshake, close code
	 * 4001): the next {@link #getToken()} must not return the same token.
	 * @param rejected the rejected token
	 */
	default void invalidate(@Nullable String rejected) {
	}

}

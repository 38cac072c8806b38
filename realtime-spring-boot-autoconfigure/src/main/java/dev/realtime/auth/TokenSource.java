package dev.realtime.auth;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Fetches a new token, for example from an OAuth2 token endpoint. A
 * {@link RefreshingTokenProvider} decides when to call it.
 */
@FunctionalInterface
public interface TokenSource {

	/**
	 * Fetch a new token. Called by one thread at a time.
	 * @return the token
	 * @throws TokenUnavailableException if no token can be had now
	 */
	IssuedToken fetch();

	/**
	 * A token as issued, with its expiry when the issuer told it.
	 *
	 * @param value the token
	 * @param expiresAt when the token expires, or {@code null} if unknown
	 */
	record IssuedToken(String value, @Nullable Instant expiresAt) {

		@Override
		public String toString() {
			return "IssuedToken[value=******, expiresAt=" + this.expiresAt + "]";
		}

	}

}

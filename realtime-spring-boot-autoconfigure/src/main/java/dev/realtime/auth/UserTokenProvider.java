package dev.realtime.auth;

import org.jspecify.annotations.Nullable;

/**
 * Supplies the bearer token of any user the application connects through
 * {@code RealtimeClients}: given the user id, so that any instance can mint or fetch any
 * user's token (an OAuth2 token exchange, a signing key, a token service), not only the
 * instance that first connected the user. Implementations hold tokens in memory only and
 * never put them in {@code toString()}, exceptions or logs.
 */
@FunctionalInterface
public interface UserTokenProvider {

	/**
	 * Return the token for the user's next handshake, refreshing it first if it is about
	 * to expire. May block while a refresh is under way.
	 * @param userId the user
	 * @return the token, or {@code null} to connect without an {@code Authorization}
	 * header
	 * @throws TokenUnavailableException if no token can be had now
	 */
	@Nullable String getToken(String userId);

	/**
	 * Called when the hub rejected the user's token: the next {@link #getToken(String)}
	 * for that user must not return the same token.
	 * @param userId the user
	 * @param rejected the rejected token
	 */
	default void invalidate(String userId, @Nullable String rejected) {
	}

	/**
	 * Return the {@link TokenProvider} of one user's client.
	 * @param userId the user
	 * @return a provider asking this one for the user's token
	 */
	default TokenProvider forUser(String userId) {
		UserTokenProvider provider = this;
		return new TokenProvider() {

			@Override
			public @Nullable String getToken() {
				return provider.getToken(userId);
			}

			@Override
			public void invalidate(@Nullable String rejected) {
				provider.invalidate(userId, rejected);
			}

			@Override
			public String toString() {
				return "UserTokenProvider[user=" + userId + "]";
			}

		};
	}

}

package dev.realtime.auth;

import org.jspecify.annotations.Nullable;

/**
 * A fixed token, for example from {@code realtime.auth.token}.
 */
public final class StaticTokenProvider implements TokenProvider {

	private final @Nullable String token;

	public StaticTokenProvider(@Nullable String token) {
		this.token = (token != null && !token.isBlank()) ? token : null;
	}

	@Override
	public @Nullable String getToken() {
		return this.token;
	}

	@Override
	public String toString() {
		return "StaticTokenProvider[token=" + ((this.token != null) ? "******" : "none") + "]";
	}

}

package dev.realtime.hub.security;

import java.util.Map;

/**
 * Static development tokens ({@code realtime.hub.tokens}, token to user id) in front of
 * another verifier, which checks every other token. A static token never expires and
 * cannot be revoked: fit for development only, so the hub warns at startup while any is
 * set.
 */
public final class StaticTokenVerifier implements HubTokenVerifier {

	private final Map<String, String> tokens;

	private final HubTokenVerifier others;

	/**
	 * Create a verifier.
	 * @param tokens the accepted static tokens, mapped to the user each one authenticates
	 * @param others checks the tokens that are not static ones
	 */
	public StaticTokenVerifier(Map<String, String> tokens, HubTokenVerifier others) {
		this.tokens = Map.copyOf(tokens);
		this.others = others;
	}

	/**
	 * Return a verifier for when the hub has no other way to check a token than its
	 * static ones.
	 * @return a verifier that refuses every token
	 */
	public static HubTokenVerifier noOtherTokens() {
		return (token) -> {
			throw new InvalidTokenException("unknown token (the hub accepts static development tokens only)");
		};
	}

	@Override
	public VerifiedToken verify(String token) {
		String user = this.tokens.get(token);
		return (user != null) ? new VerifiedToken(user, null) : this.others.verify(token);
	}

	@Override
	public String toString() {
		// never the tokens themselves
		return "StaticTokenVerifier[" + this.tokens.size() + " tokens]";
	}

}

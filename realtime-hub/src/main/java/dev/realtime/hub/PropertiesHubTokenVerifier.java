package dev.realtime.hub;

import java.util.Map;
import java.util.Optional;

/**
 * A {@link HubTokenVerifier} over a fixed map of tokens to user ids, from
 * {@code realtime.hub.tokens}. Such tokens never expire: fit for a demo only.
 */
public final class PropertiesHubTokenVerifier implements HubTokenVerifier {

	private final Map<String, String> tokens;

	/**
	 * Create a verifier.
	 * @param tokens the accepted tokens, mapped to the user each one authenticates
	 */
	public PropertiesHubTokenVerifier(Map<String, String> tokens) {
		this.tokens = Map.copyOf(tokens);
	}

	@Override
	public Optional<VerifiedToken> verify(String token) {
		return Optional.ofNullable(this.tokens.get(token)).map((user) -> new VerifiedToken(user, null));
	}

}

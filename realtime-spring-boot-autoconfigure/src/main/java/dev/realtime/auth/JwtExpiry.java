package dev.realtime.auth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the {@code exp} claim of a JWT without verifying it: the client only needs to
 * know when to refresh, the hub verifies the signature.
 */
final class JwtExpiry {

	private static final JsonMapper json = JsonMapper.builder().build();

	private JwtExpiry() {
	}

	/**
	 * Return when a token expires according to its {@code exp} claim.
	 * @param token the token
	 * @return the expiry, or {@code null} if the token is not a JWT or has no {@code exp}
	 */
	static @Nullable Instant of(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			byte[] payload = Base64.getUrlDecoder().decode(parts[1]);
			JsonNode exp = json.readTree(new String(payload, StandardCharsets.UTF_8)).get("exp");
			return (exp != null && exp.isNumber()) ? Instant.ofEpochSecond(exp.longValue()) : null;
		}
		catch (RuntimeException ex) {
			// an opaque token that happens to contain two dots
			return null;
		}
	}

}

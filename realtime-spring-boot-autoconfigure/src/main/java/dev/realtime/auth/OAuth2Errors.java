package dev.realtime.auth;

import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.lang.Contract;

/**
 * The error codes of an OAuth2 token response (RFC 6749, section 5.2) that retrying
 * cannot fix.
 */
final class OAuth2Errors {

	private static final Set<String> PERMANENT = Set.of("invalid_request", "invalid_client", "invalid_grant",
			"unauthorized_client", "unsupported_grant_type", "invalid_scope");

	private OAuth2Errors() {
	}

	/**
	 * Return whether an error code means the credentials or the request are wrong.
	 * @param code the {@code error} of the token response
	 * @return {@code true} unless retrying may help
	 */
	@Contract("null -> false")
	static boolean isPermanent(@Nullable String code) {
		return code != null && PERMANENT.contains(code);
	}

}

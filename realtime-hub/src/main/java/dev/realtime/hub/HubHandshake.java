package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.util.MultiValueMap;
import org.springframework.web.util.UriUtils;

import dev.realtime.hub.security.HubTokenVerifier;
import dev.realtime.hub.security.InvalidTokenException;
import dev.realtime.hub.security.TokenCheckUnavailableException;
import dev.realtime.hub.security.VerifiedToken;
import dev.realtime.protocol.UserIds;

/**
 * The handshake's checks, the same on every transport: the protocol's query parameters
 * (400 when missing or invalid), the token (401 when missing or not valid, 503 when it
 * cannot be checked for now), that the token's user is the {@code user_id} asked for and
 * that the {@code client_id} is not bound to another user (403).
 */
final class HubHandshake {

	/** A UUID in practice; any short opaque id of safe characters is accepted. */
	private static final Pattern CLIENT_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

	private static final String BEARER = "Bearer ";

	private final HubTokenVerifier tokens;

	private final DefaultHub hub;

	HubHandshake(HubTokenVerifier tokens, DefaultHub hub) {
		this.tokens = tokens;
		this.hub = hub;
	}

	/**
	 * Check a handshake.
	 * @param query the handshake's query parameters, still URL-encoded
	 * @param authorization the {@code Authorization} header, if any
	 * @param token a token given apart from the header (Socket.IO's {@code auth}
	 * payload), which wins over it
	 * @return whether the connection is accepted, and for whom
	 */
	Outcome verify(MultiValueMap<String, String> query, @Nullable String authorization, @Nullable String token) {
		String clientId = param(query, "client_id");
		String userId = param(query, "user_id");
		String protocol = param(query, "protocol");
		if (clientId == null || userId == null || !CLIENT_ID_PATTERN.matcher(clientId).matches()
				|| !UserIds.isValid(userId)) {
			return new Refused(HttpStatus.BAD_REQUEST, "missing or invalid client_id or user_id");
		}
		if (!"1".equals(protocol)) {
			return new Refused(HttpStatus.BAD_REQUEST, "unsupported protocol version");
		}
		if (!this.hub.sessions().accepting()) {
			// the node is shutting down: the client tries again, on another node
			return new Refused(HttpStatus.SERVICE_UNAVAILABLE, "hub shutting down");
		}
		String presented = (token != null && !token.isBlank()) ? token : token(authorization, query);
		if (presented == null) {
			this.hub.metrics().authRefused();
			return new Refused(HttpStatus.UNAUTHORIZED, "no token for user '" + userId + "'");
		}
		VerifiedToken verified;
		try {
			verified = this.tokens.verify(presented);
		}
		catch (InvalidTokenException ex) {
			this.hub.metrics().authRefused();
			return new Refused(HttpStatus.UNAUTHORIZED, "invalid token for user '" + userId + "': " + ex.getMessage());
		}
		catch (TokenCheckUnavailableException ex) {
			return new Refused(HttpStatus.SERVICE_UNAVAILABLE, String.valueOf(ex.getMessage()));
		}
		if (!verified.userId().equals(userId)) {
			this.hub.metrics().authRefused();
			return new Refused(HttpStatus.FORBIDDEN, "token of another user than '" + userId + "'");
		}
		if (!this.hub.register(clientId, userId)) {
			return new Refused(HttpStatus.FORBIDDEN, "client_id bound to another user than '" + userId + "'");
		}
		return new Accepted(userId, clientId, verified.validUntil());
	}

	private static @Nullable String token(@Nullable String authorization, MultiValueMap<String, String> query) {
		if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			String token = authorization.substring(BEARER.length()).trim();
			return token.isEmpty() ? null : token;
		}
		// browsers cannot set headers on a WebSocket handshake
		String token = param(query, "access_token");
		return (token == null || token.isBlank()) ? null : token;
	}

	private static @Nullable String param(MultiValueMap<String, String> query, String name) {
		List<String> values = query.get(name);
		if (values == null || values.size() != 1 || values.get(0) == null) {
			return null;
		}
		return UriUtils.decode(values.get(0), StandardCharsets.UTF_8);
	}

	/**
	 * What a handshake comes to.
	 */
	sealed interface Outcome permits Accepted, Refused {

	}

	/**
	 * The connection is accepted.
	 *
	 * @param userId the user
	 * @param clientId the client's outbound stream
	 * @param validUntil when the hub stops accepting the token, {@code null} for a token
	 * that does not expire
	 */
	record Accepted(String userId, String clientId, @Nullable Instant validUntil) implements Outcome {
	}

	/**
	 * The connection is refused.
	 *
	 * @param status the HTTP status of the refusal
	 * @param reason why, for the log
	 */
	record Refused(HttpStatus status, String reason) implements Outcome {
	}

}

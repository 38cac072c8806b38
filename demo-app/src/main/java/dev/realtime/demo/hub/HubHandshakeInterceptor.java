package dev.realtime.demo.hub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.util.MultiValueMap;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.util.UriComponentsBuilder;
import org.springframework.web.util.UriUtils;

import dev.realtime.protocol.UserIds;

/**
 * Checks the handshake before the upgrade: the protocol's query parameters (400 when
 * missing or invalid), the bearer token (401 when missing or not valid), that the token's
 * user is the {@code user_id} asked for and that the {@code client_id} is not bound to
 * another user (403).
 */
final class HubHandshakeInterceptor implements HandshakeInterceptor {

	static final String USER_ID = "realtime.userId";

	static final String CLIENT_ID = "realtime.clientId";

	/**
	 * When the session's token stops being accepted; absent for a token that does not
	 * expire.
	 */
	static final String TOKEN_VALID_UNTIL = "realtime.tokenValidUntil";

	private static final Log logger = LogFactory.getLog(HubHandshakeInterceptor.class);

	/** A UUID in practice; any short opaque id of safe characters is accepted. */
	private static final Pattern CLIENT_ID_PATTERN = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

	private static final String BEARER = "Bearer ";

	private final HubTokenVerifier tokens;

	private final DefaultHub hub;

	HubHandshakeInterceptor(HubTokenVerifier tokens, DefaultHub hub) {
		this.tokens = tokens;
		this.hub = hub;
	}

	@Override
	public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			Map<String, Object> attributes) {
		MultiValueMap<String, String> query = UriComponentsBuilder.fromUri(request.getURI()).build().getQueryParams();
		String clientId = param(query, "client_id");
		String userId = param(query, "user_id");
		String protocol = param(query, "protocol");
		if (clientId == null || userId == null || !CLIENT_ID_PATTERN.matcher(clientId).matches()
				|| !UserIds.isValid(userId)) {
			return refuse(response, HttpStatus.BAD_REQUEST, "missing or invalid client_id or user_id");
		}
		if (!"1".equals(protocol)) {
			return refuse(response, HttpStatus.BAD_REQUEST, "unsupported protocol version");
		}
		String token = token(request.getHeaders(), query);
		Optional<VerifiedToken> verified = (token != null) ? this.tokens.verify(token) : Optional.empty();
		if (verified.isEmpty()) {
			return refuse(response, HttpStatus.UNAUTHORIZED, "missing or invalid token for user '" + userId + "'");
		}
		if (!verified.get().userId().equals(userId)) {
			return refuse(response, HttpStatus.FORBIDDEN, "token of another user than '" + userId + "'");
		}
		if (!this.hub.register(clientId, userId)) {
			return refuse(response, HttpStatus.FORBIDDEN, "client_id bound to another user than '" + userId + "'");
		}
		attributes.put(USER_ID, userId);
		attributes.put(CLIENT_ID, clientId);
		Instant validUntil = verified.get().validUntil();
		if (validUntil != null) {
			attributes.put(TOKEN_VALID_UNTIL, validUntil);
		}
		return true;
	}

	@Override
	public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
			@Nullable Exception exception) {
	}

	private static @Nullable String token(HttpHeaders headers, MultiValueMap<String, String> query) {
		String authorization = headers.getFirst(HttpHeaders.AUTHORIZATION);
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

	private static boolean refuse(ServerHttpResponse response, HttpStatus status, String reason) {
		logger.debug("Refused WebSocket handshake with " + status.value() + ": " + reason);
		response.setStatusCode(status);
		return false;
	}

}

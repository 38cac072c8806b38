package dev.realtime.demo.token;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.util.MultiValueMap;
import org.springframework.web.servlet.function.ServerRequest;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * {@code POST /oauth/token} with the RFC 6749 {@code client_credentials} grant: a
 * registered client, authenticated with HTTP Basic ({@code client_secret_basic}) or form
 * parameters ({@code client_secret_post}), gets a short-lived HS256 JWT whose {@code sub}
 * is the client's user. Errors follow RFC 6749 section 5.2. Neither secrets nor tokens
 * are logged.
 */
final class TokenEndpoint {

	/** Where the endpoint is served. */
	static final String PATH = "/oauth/token";

	private static final Log logger = LogFactory.getLog(TokenEndpoint.class);

	private static final String BASIC = "Basic ";

	private final Map<String, RegisteredClient> clients;

	private final DemoTokenSigner signer;

	private final Duration tokenTtl;

	private final Clock clock;

	TokenEndpoint(Map<String, RegisteredClient> clients, DemoTokenSigner signer, Duration tokenTtl, Clock clock) {
		this.clients = Map.copyOf(clients);
		this.signer = signer;
		this.tokenTtl = tokenTtl;
		this.clock = clock;
	}

	ServerResponse token(ServerRequest request) {
		MultiValueMap<String, String> params = request.params();
		// RFC 6749 section 3.2: a parameter must not be sent more than once
		if (params.values().stream().anyMatch((values) -> values.size() > 1)) {
			return error(HttpStatus.BAD_REQUEST, "invalid_request", "a parameter is repeated");
		}
		String authorization = request.headers().firstHeader(HttpHeaders.AUTHORIZATION);
		String clientId;
		String secret;
		if (authorization != null && authorization.regionMatches(true, 0, BASIC, 0, BASIC.length())) {
			if (params.containsKey("client_secret")) {
				return error(HttpStatus.BAD_REQUEST, "invalid_request", "more than one client authentication method");
			}
			String[] basic = basicCredentials(authorization.substring(BASIC.length()).trim());
			if (basic == null) {
				return error(HttpStatus.BAD_REQUEST, "invalid_request", "malformed Basic credentials");
			}
			clientId = basic[0];
			secret = basic[1];
		}
		else {
			clientId = params.getFirst("client_id");
			secret = params.getFirst("client_secret");
		}
		RegisteredClient client = (clientId != null) ? this.clients.get(clientId) : null;
		if (client == null || secret == null || !client.secretMatches(secret)) {
			logger.debug("Refused a token request: unknown client or wrong secret");
			return invalidClient();
		}
		String grantType = params.getFirst("grant_type");
		if (grantType == null) {
			return error(HttpStatus.BAD_REQUEST, "invalid_request", "grant_type is missing");
		}
		if (!"client_credentials".equals(grantType)) {
			return error(HttpStatus.BAD_REQUEST, "unsupported_grant_type", "only client_credentials is supported");
		}
		Instant issuedAt = this.clock.instant().truncatedTo(ChronoUnit.SECONDS);
		long expiresIn = this.tokenTtl.toSeconds();
		String token = this.signer.sign(client.user(), issuedAt, issuedAt.plusSeconds(expiresIn),
				Map.of("client_id", clientId, "jti", UUID.randomUUID().toString()));
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("access_token", token);
		body.put("token_type", "Bearer");
		body.put("expires_in", expiresIn);
		logger.debug("Issued a token for client '" + clientId + "' (user '" + client.user() + "'), valid for "
				+ expiresIn + " s");
		return noStore(ServerResponse.ok()).body(body);
	}

	/**
	 * Decode Basic credentials: RFC 6749 section 2.3.1 form-encodes both parts before
	 * Base64.
	 * @param encoded the Authorization header's value after {@code Basic }
	 * @return the client id and secret, or {@code null} if malformed
	 */
	private static String @Nullable [] basicCredentials(String encoded) {
		try {
			String decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
			int colon = decoded.indexOf(':');
			if (colon < 0) {
				return null;
			}
			return new String[] { URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
					URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8) };
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

	private static ServerResponse invalidClient() {
		// RFC 6749 section 5.2: a 401 names the authentication scheme the client should
		// use
		return noStore(ServerResponse.status(HttpStatus.UNAUTHORIZED))
			.header(HttpHeaders.WWW_AUTHENTICATE, "Basic realm=\"realtime-demo\"")
			.body(errorBody("invalid_client", "unknown client or wrong secret"));
	}

	private static ServerResponse error(HttpStatus status, String error, String description) {
		return noStore(ServerResponse.status(status)).body(errorBody(error, description));
	}

	private static Map<String, String> errorBody(String error, String description) {
		return Map.of("error", error, "error_description", description);
	}

	private static ServerResponse.BodyBuilder noStore(ServerResponse.BodyBuilder response) {
		// RFC 6749 section 5.1: token responses must not be cached
		return response.contentType(MediaType.APPLICATION_JSON)
			.header(HttpHeaders.CACHE_CONTROL, "no-store")
			.header(HttpHeaders.PRAGMA, "no-cache");
	}

	/**
	 * A client allowed to get tokens.
	 *
	 * @param secret its secret
	 * @param user the user its tokens authenticate
	 */
	record RegisteredClient(String secret, String user) {

		boolean secretMatches(String candidate) {
			// constant time, so response times do not reveal how much of a guess was
			// right
			return MessageDigest.isEqual(this.secret.getBytes(StandardCharsets.UTF_8),
					candidate.getBytes(StandardCharsets.UTF_8));
		}

		@Override
		public String toString() {
			return "RegisteredClient[user=" + this.user + "]";
		}

	}

}

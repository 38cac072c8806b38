package dev.realtime.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.StreamingHttpOutputMessage;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.TokenSource.IssuedToken;

/**
 * A {@link RefreshingTokenProvider} that gets access tokens from an OAuth2 token endpoint
 * (RFC 6749) with the {@code client_credentials} or {@code refresh_token} grant. A
 * refresh token rotated by the endpoint replaces the previous one, in memory only.
 * <p>
 * Credentials the endpoint rejects ({@code invalid_grant}, {@code invalid_client}, …) end
 * in a permanent {@link TokenUnavailableException}; an endpoint that is down, answers 5xx
 * or times out in a transient one. Messages name the error and the
 * {@code realtime.auth.*} property to fix, never a secret.
 */
public final class OAuth2TokenProvider extends RefreshingTokenProvider {

	private OAuth2TokenProvider(Builder builder) {
		super("token endpoint " + builder.tokenUri, new Endpoint(builder), builder.refreshBeforeExpiry, builder.clock);
	}

	/**
	 * Start building a provider for a token endpoint.
	 * @param tokenUri the token endpoint
	 * @param clientId the client identifier
	 * @return a builder
	 */
	public static Builder builder(URI tokenUri, String clientId) {
		return new Builder(tokenUri, clientId);
	}

	/**
	 * Grant used to get access tokens.
	 */
	public enum GrantType {

		/**
		 * The client authenticates as itself ({@code client_credentials}).
		 */
		CLIENT_CREDENTIALS("client_credentials"),

		/**
		 * The client exchanges a refresh token ({@code refresh_token}).
		 */
		REFRESH_TOKEN("refresh_token");

		private final String value;

		GrantType(String value) {
			this.value = value;
		}

		/**
		 * Return the value of the {@code grant_type} parameter.
		 * @return the wire value
		 */
		public String value() {
			return this.value;
		}

	}

	/**
	 * How the client sends its secret to the token endpoint.
	 */
	public enum ClientAuthentication {

		/**
		 * HTTP Basic authentication ({@code client_secret_basic}).
		 */
		CLIENT_SECRET_BASIC,

		/**
		 * {@code client_id} and {@code client_secret} form parameters
		 * ({@code client_secret_post}).
		 */
		CLIENT_SECRET_POST

	}

	/**
	 * Builds an {@link OAuth2TokenProvider}.
	 */
	public static final class Builder {

		private final URI tokenUri;

		private final String clientId;

		private @Nullable String clientSecret;

		private ClientAuthentication clientAuthentication = ClientAuthentication.CLIENT_SECRET_BASIC;

		private GrantType grantType = GrantType.CLIENT_CREDENTIALS;

		private @Nullable String refreshToken;

		private @Nullable String scope;

		private Duration refreshBeforeExpiry = Duration.ofSeconds(30);

		private Duration timeout = Duration.ofSeconds(10);

		private Clock clock = Clock.systemUTC();

		private @Nullable ClientHttpRequestFactory requestFactory;

		private Builder(URI tokenUri, String clientId) {
			this.tokenUri = tokenUri;
			this.clientId = clientId;
		}

		/**
		 * Set the client secret, if the client has one.
		 * @param clientSecret the secret
		 * @param authentication how to send it
		 * @return this builder
		 */
		public Builder clientSecret(@Nullable String clientSecret, ClientAuthentication authentication) {
			this.clientSecret = clientSecret;
			this.clientAuthentication = authentication;
			return this;
		}

		/**
		 * Use the {@code refresh_token} grant, starting with this refresh token.
		 * @param refreshToken the initial refresh token
		 * @return this builder
		 */
		public Builder refreshToken(String refreshToken) {
			this.grantType = GrantType.REFRESH_TOKEN;
			this.refreshToken = refreshToken;
			return this;
		}

		/**
		 * Set the scope to request.
		 * @param scope space-separated scopes, or {@code null} for the endpoint's default
		 * @return this builder
		 */
		public Builder scope(@Nullable String scope) {
			this.scope = scope;
			return this;
		}

		/**
		 * Set how long before its expiry a token is refreshed.
		 * @param refreshBeforeExpiry the margin
		 * @return this builder
		 */
		public Builder refreshBeforeExpiry(Duration refreshBeforeExpiry) {
			this.refreshBeforeExpiry = refreshBeforeExpiry;
			return this;
		}

		/**
		 * Set how long connecting to the endpoint and waiting for its answer may take.
		 * @param timeout the timeout
		 * @return this builder
		 */
		public Builder timeout(Duration timeout) {
			this.timeout = timeout;
			return this;
		}

		/**
		 * Set the HTTP client the token requests go through, for example one built by
		 * Spring Boot with its HTTP client settings and an SSL bundle. It should speak
		 * HTTP/1.1 to a plain-HTTP endpoint (see
		 * {@link #defaultRequestFactory(Duration)}). Without one, the default request
		 * factory applies the {@link #timeout(Duration) timeout}.
		 * @param requestFactory the request factory
		 * @return this builder
		 */
		public Builder requestFactory(ClientHttpRequestFactory requestFactory) {
			this.requestFactory = requestFactory;
			return this;
		}

		/**
		 * Set the clock expiries are compared with.
		 * @param clock the clock
		 * @return this builder
		 */
		public Builder clock(Clock clock) {
			this.clock = clock;
			return this;
		}

		/**
		 * Build the provider. It requests nothing until its first {@code getToken()}.
		 * @return the provider
		 */
		public OAuth2TokenProvider build() {
			return new OAuth2TokenProvider(this);
		}

		/**
		 * Return the request factory used when none is set: the JDK client, restricted to
		 * HTTP/1.1. Its default HTTP/2 asks a plain-HTTP endpoint for an {@code h2c}
		 * upgrade, which servers that route upgrade requests to their WebSocket handler
		 * refuse.
		 * @param timeout the connect and read timeout
		 * @return a request factory
		 */
		public static ClientHttpRequestFactory defaultRequestFactory(Duration timeout) {
			HttpClient client = HttpClient.newBuilder()
				.version(HttpClient.Version.HTTP_1_1)
				.connectTimeout(timeout)
				.build();
			JdkClientHttpRequestFactory requestFactory = new JdkClientHttpRequestFactory(client);
			requestFactory.setReadTimeout(timeout);
			return requestFactory;
		}

	}

	/**
	 * Performs the token request. Only one runs at a time, so the rotated refresh token
	 * needs no lock.
	 */
	private static final class Endpoint implements TokenSource {

		private static final JsonMapper json = JsonMapper.builder().build();

		private static final int MAX_BODY = 64 * 1024;

		private final URI tokenUri;

		private final String clientId;

		private final @Nullable String clientSecret;

		private final ClientAuthentication clientAuthentication;

		private final GrantType grantType;

		private final @Nullable String scope;

		private final Duration timeout;

		private final Clock clock;

		private final RestClient http;

		private volatile @Nullable String refreshToken;

		Endpoint(Builder builder) {
			if (builder.grantType == GrantType.REFRESH_TOKEN
					&& (builder.refreshToken == null || builder.refreshToken.isBlank())) {
				throw new IllegalArgumentException("The refresh_token grant needs a refresh token");
			}
			this.tokenUri = builder.tokenUri;
			this.clientId = builder.clientId;
			this.clientSecret = builder.clientSecret;
			this.clientAuthentication = builder.clientAuthentication;
			this.grantType = builder.grantType;
			this.refreshToken = builder.refreshToken;
			this.scope = builder.scope;
			this.timeout = builder.timeout;
			this.clock = builder.clock;
			ClientHttpRequestFactory requestFactory = (builder.requestFactory != null) ? builder.requestFactory
					: Builder.defaultRequestFactory(builder.timeout);
			this.http = RestClient.builder().requestFactory(requestFactory).build();
		}

		@Override
		public IssuedToken fetch() {
			Instant requested = this.clock.instant();
			Map<String, String> form = new LinkedHashMap<>();
			form.put("grant_type", this.grantType.value());
			if (this.grantType == GrantType.REFRESH_TOKEN) {
				form.put("refresh_token", this.refreshToken);
			}
			if (this.scope != null) {
				form.put("scope", this.scope);
			}
			String authorization = null;
			if (this.clientSecret != null && this.clientAuthentication == ClientAuthentication.CLIENT_SECRET_BASIC) {
				// RFC 6749 section 2.3.1: both parts are form-encoded before Base64
				String credentials = encode(this.clientId) + ":" + encode(this.clientSecret);
				authorization = "Basic "
						+ Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
			}
			else {
				form.put("client_id", this.clientId);
				if (this.clientSecret != null) {
					form.put("client_secret", this.clientSecret);
				}
			}
			String body = form.entrySet()
				.stream()
				.map((entry) -> encode(entry.getKey()) + "=" + encode(entry.getValue()))
				.collect(Collectors.joining("&"));
			// written as bytes: RestClient logs a String body at DEBUG, and this one
			// holds secrets
			byte[] content = body.getBytes(StandardCharsets.UTF_8);
			String basic = authorization;
			try {
				return this.http.post()
					.uri(this.tokenUri)
					.contentType(MediaType.APPLICATION_FORM_URLENCODED)
					.accept(MediaType.APPLICATION_JSON)
					.headers((headers) -> {
						if (basic != null) {
							headers.set(HttpHeaders.AUTHORIZATION, basic);
						}
					})
					.body((StreamingHttpOutputMessage.Body) (out) -> out.write(content))
					.exchange((request, response) -> {
						String answer = read(response.getBody());
						int status = response.getStatusCode().value();
						if (status == 200) {
							return issued(answer, requested);
						}
						throw failure(status, answer);
					});
			}
			catch (ResourceAccessException ex) {
				if (isTimeout(ex)) {
					throw new TokenUnavailableException("Token endpoint " + this.tokenUri + " did not answer within "
							+ this.timeout.toMillis() + " ms (realtime.auth.timeout)", false, ex);
				}
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				throw new TokenUnavailableException("Token endpoint " + this.tokenUri + " is unreachable: "
						+ ((cause.getMessage() != null) ? cause.getMessage() : cause.getClass().getSimpleName()), false,
						ex);
			}
		}

		private static boolean isTimeout(Throwable ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof HttpTimeoutException || cause instanceof SocketTimeoutException) {
					return true;
				}
			}
			return false;
		}

		/**
		 * Read at most {@value #MAX_BODY} bytes of an answer: a token response is small,
		 * and the endpoint is not trusted to end its body.
		 * @param body the answer's body
		 * @return its first {@value #MAX_BODY} bytes, decoded as UTF-8
		 */
		private static String read(InputStream body) throws IOException {
			byte[] bytes = body.readNBytes(MAX_BODY);
			return new String(bytes, StandardCharsets.UTF_8);
		}

		private IssuedToken issued(String body, Instant requested) {
			JsonNode response = parse(body);
			String accessToken = text(response, "access_token");
			if (accessToken == null) {
				throw new TokenUnavailableException(
						"Token endpoint " + this.tokenUri + " answered without an access_token", false);
			}
			String rotated = text(response, "refresh_token");
			if (rotated != null && this.grantType == GrantType.REFRESH_TOKEN) {
				this.refreshToken = rotated;
			}
			JsonNode expiresIn = (response != null) ? response.get("expires_in") : null;
			Instant expiresAt = (expiresIn != null && expiresIn.canConvertToLong())
					? requested.plusSeconds(expiresIn.asLong()) : null;
			return new IssuedToken(accessToken, expiresAt);
		}

		private TokenUnavailableException failure(int status, String body) {
			JsonNode response = parse(body);
			String error = text(response, "error");
			if ((status == 400 || status == 401) && OAuth2Errors.isPermanent(error)) {
				String description = text(response, "error_description");
				return new TokenUnavailableException("Token endpoint " + this.tokenUri + " refused the request: "
						+ error + ((description != null) ? " (" + redact(description) + ")" : "") + "; check "
						+ propertyToFix(error), true);
			}
			if (status == 408 || status == 429 || status >= 500) {
				return new TokenUnavailableException(
						"Token endpoint " + this.tokenUri + " answered HTTP " + status + "; retrying", false);
			}
			return new TokenUnavailableException("Token endpoint " + this.tokenUri + " answered HTTP " + status
					+ ((error != null) ? " " + error : "") + "; check realtime.auth.token-uri", true);
		}

		private String propertyToFix(String error) {
			return switch (error) {
				case "invalid_grant" -> (this.grantType == GrantType.REFRESH_TOKEN) ? "realtime.auth.refresh-token"
						: "realtime.auth.client-id and realtime.auth.client-secret";
				case "unauthorized_client", "unsupported_grant_type" -> "realtime.auth.grant-type";
				case "invalid_scope" -> "realtime.auth.scope";
				case "invalid_request" -> "realtime.auth.token-uri and realtime.auth.client-authentication";
				default ->
					"realtime.auth.client-id, realtime.auth.client-secret and realtime.auth.client-authentication";
			};
		}

		/**
		 * Mask our own secrets should the endpoint echo them in its error description.
		 * @param text what the endpoint said
		 * @return the text with every configured secret masked
		 */
		private String redact(String text) {
			String redacted = text;
			for (String secret : new String[] { this.clientSecret, this.refreshToken }) {
				if (secret != null && !secret.isEmpty()) {
					redacted = redacted.replace(secret, "******");
				}
			}
			return (redacted.length() > 200) ? redacted.substring(0, 200) + "…" : redacted;
		}

		private static @Nullable JsonNode parse(String body) {
			try {
				return json.readTree(body);
			}
			catch (JacksonException ex) {
				return null;
			}
		}

		private static @Nullable String text(@Nullable JsonNode node, String field) {
			JsonNode value = (node != null) ? node.get(field) : null;
			return (value != null && value.isString() && !value.stringValue().isEmpty()) ? value.stringValue() : null;
		}

		private static String encode(String value) {
			return URLEncoder.encode(value, StandardCharsets.UTF_8);
		}

	}

}

package dev.realtime.test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import org.jspecify.annotations.Nullable;

/**
 * A real OAuth2 token endpoint (RFC 6749) for tests, on 127.0.0.1 and a random port: it
 * authenticates one client (HTTP Basic or form), issues short-lived access tokens (opaque
 * with {@code expires_in}, or JWTs with only an {@code exp} claim), rotates refresh
 * tokens, counts requests, and can be told to fail or to hold its answers.
 */
public final class TestTokenEndpoint implements AutoCloseable {

	private final HttpServer server;

	private final String clientId;

	private final String clientSecret;

	private final AtomicInteger requests = new AtomicInteger();

	private final Map<String, Instant> issued = new ConcurrentHashMap<>();

	private final Set<String> secrets = ConcurrentHashMap.newKeySet();

	private final List<String> presentedRefreshTokens = new CopyOnWriteArrayList<>();

	private volatile String refreshToken;

	private volatile Duration lifetime = Duration.ofHours(1);

	private volatile boolean jwt;

	private volatile int failStatus;

	private volatile @Nullable String failError;

	private volatile @Nullable CountDownLatch hold;

	private volatile boolean upgradesToWebSocket;

	private final AtomicInteger upgradeRequests = new AtomicInteger();

	private TestTokenEndpoint(String clientId, String clientSecret, String refreshToken, @Nullable Path keyStore) {
		this.clientId = clientId;
		this.clientSecret = clientSecret;
		this.refreshToken = refreshToken;
		this.secrets.add(clientSecret);
		this.secrets.add(refreshToken);
		try {
			InetSocketAddress address = new InetSocketAddress("127.0.0.1", 0);
			if (keyStore != null) {
				HttpsServer https = HttpsServer.create(address, 0);
				https.setHttpsConfigurator(new HttpsConfigurator(serverContext(keyStore)));
				this.server = https;
			}
			else {
				this.server = HttpServer.create(address, 0);
			}
		}
		catch (IOException | GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.createContext("/token", this::handle);
		this.server.setExecutor(Executors.newCachedThreadPool());
		this.server.start();
	}

	/**
	 * Start an endpoint for one client.
	 * @param clientId the client's id
	 * @param clientSecret the client's secret
	 * @param refreshToken the refresh token valid at first
	 * @return the running endpoint
	 */
	public static TestTokenEndpoint start(String clientId, String clientSecret, String refreshToken) {
		return new TestTokenEndpoint(clientId, clientSecret, refreshToken, null);
	}

	/**
	 * Start an endpoint for one client that serves {@code https://}.
	 * @param clientId the client's id
	 * @param clientSecret the client's secret
	 * @param refreshToken the refresh token valid at first
	 * @param keyStore the server's key and certificate (PKCS#12, password
	 * {@link TestCertificates#PASSWORD}), for example from {@link TestCertificates}
	 * @return the running endpoint
	 */
	public static TestTokenEndpoint startTls(String clientId, String clientSecret, String refreshToken, Path keyStore) {
		return new TestTokenEndpoint(clientId, clientSecret, refreshToken, keyStore);
	}

	private static SSLContext serverContext(Path keyStore) throws IOException, GeneralSecurityException {
		KeyStore keys = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(keyStore)) {
			keys.load(in, TestCertificates.PASSWORD.toCharArray());
		}
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(keys, TestCertificates.PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(factory.getKeyManagers(), null, null);
		return context;
	}

	public URI uri() {
		String scheme = (this.server instanceof HttpsServer) ? "https" : "http";
		return URI.create(scheme + "://127.0.0.1:" + this.server.getAddress().getPort() + "/token");
	}

	/**
	 * Set the lifetime of the access tokens issued from now on.
	 * @param lifetime the lifetime, whole seconds
	 */
	public void lifetime(Duration lifetime) {
		this.lifetime = lifetime;
	}

	/**
	 * Issue JWTs whose lifetime is only in their {@code exp} claim (no
	 * {@code expires_in}).
	 */
	public void issueJwts() {
		this.jwt = true;
	}

	/**
	 * Answer every request with an error until {@link #recover()}.
	 * @param status the HTTP status
	 * @param error the RFC 6749 error code, or {@code null} for a body that is not OAuth2
	 * JSON
	 */
	public void failWith(int status, @Nullable String error) {
		this.failError = error;
		this.failStatus = status;
	}

	public void recover() {
		this.failStatus = 0;
	}

	/**
	 * Behave like a server whose token route shares its port with a WebSocket endpoint
	 * and which hands every request carrying an {@code Upgrade} header to its WebSocket
	 * handler: such a request gets the handler's 401 (it carries no bearer token),
	 * whatever it asks to be upgraded to.
	 */
	public void routeUpgradesToWebSocket() {
		this.upgradesToWebSocket = true;
	}

	/**
	 * Return how many requests carried an {@code Upgrade} header.
	 * @return the count
	 */
	public int upgradeRequests() {
		return this.upgradeRequests.get();
	}

	/**
	 * Hold every answer until {@link #release()}.
	 */
	public void hold() {
		this.hold = new CountDownLatch(1);
	}

	public void release() {
		CountDownLatch latch = this.hold;
		this.hold = null;
		if (latch != null) {
			latch.countDown();
		}
	}

	/**
	 * Return how many token requests arrived.
	 * @return the count
	 */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * Return whether an access token was issued here, is not revoked and has not expired.
	 * @param token the token
	 * @return whether a hub should accept it
	 */
	public boolean isValid(String token) {
		Instant expiresAt = this.issued.get(token);
		return expiresAt != null && Instant.now().isBefore(expiresAt);
	}

	/**
	 * Revoke every access token issued so far.
	 */
	public void revokeAll() {
		this.issued.clear();
	}

	/**
	 * Return the refresh tokens clients presented, in order.
	 * @return the refresh tokens
	 */
	public List<String> presentedRefreshTokens() {
		return List.copyOf(this.presentedRefreshTokens);
	}

	/**
	 * Return every secret this endpoint knows or handed out: the client secret, refresh
	 * tokens and access tokens; none may ever show up in a log.
	 * @return the secrets
	 */
	public Set<String> secrets() {
		return Set.copyOf(this.secrets);
	}

	@Override
	public void close() {
		release();
		this.server.stop(0);
	}

	private void handle(HttpExchange exchange) throws IOException {
		this.requests.incrementAndGet();
		try (exchange) {
			if (exchange.getRequestHeaders().containsKey("Upgrade")) {
				this.upgradeRequests.incrementAndGet();
				if (this.upgradesToWebSocket) {
					respond(exchange, 401, "WebSocket handshake needs a bearer token");
					return;
				}
			}
			awaitRelease();
			if (this.failStatus != 0) {
				String error = this.failError;
				respond(exchange, this.failStatus, (error != null) ? "{\"error\":\"" + error + "\"}" : "unavailable");
				return;
			}
			Map<String, String> form = form(
					new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
			if (!authenticated(exchange, form)) {
				respond(exchange, 401, "{\"error\":\"invalid_client\"}");
				return;
			}
			String grant = form.getOrDefault("grant_type", "");
			if (grant.equals("refresh_token")) {
				String presented = form.getOrDefault("refresh_token", "");
				this.presentedRefreshTokens.add(presented);
				if (!presented.equals(this.refreshToken)) {
					respond(exchange, 400,
							"{\"error\":\"invalid_grant\",\"error_description\":\"unknown refresh token\"}");
					return;
				}
				this.refreshToken = secret("rt-");
				respond(exchange, 200, tokenResponse(", \"refresh_token\":\"" + this.refreshToken + "\""));
			}
			else if (grant.equals("client_credentials")) {
				respond(exchange, 200, tokenResponse(""));
			}
			else {
				respond(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
			}
		}
	}

	private void awaitRelease() {
		CountDownLatch latch = this.hold;
		if (latch != null) {
			try {
				latch.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean authenticated(HttpExchange exchange, Map<String, String> form) {
		String header = exchange.getRequestHeaders().getFirst("Authorization");
		if (header != null && header.startsWith("Basic ")) {
			String[] credentials = new String(Base64.getDecoder().decode(header.substring(6)), StandardCharsets.UTF_8)
				.split(":", 2);
			return credentials.length == 2 && this.clientId.equals(decode(credentials[0]))
					&& this.clientSecret.equals(decode(credentials[1]));
		}
		return this.clientId.equals(form.get("client_id")) && this.clientSecret.equals(form.get("client_secret"));
	}

	private String tokenResponse(String extra) {
		long seconds = this.lifetime.toSeconds();
		Instant expiresAt = Instant.now().plusSeconds(seconds);
		String token;
		String expiresIn;
		if (this.jwt) {
			Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
			String claims = "{\"sub\":\"" + this.clientId + "\",\"exp\":" + expiresAt.getEpochSecond() + ",\"jti\":\""
					+ UUID.randomUUID() + "\"}";
			token = base64.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
					+ base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
			// the JWT's exp has whole seconds: it may end before expiresAt
			expiresAt = Instant.ofEpochSecond(expiresAt.getEpochSecond());
			expiresIn = "";
		}
		else {
			token = "at-" + UUID.randomUUID();
			expiresIn = ", \"expires_in\":" + seconds;
		}
		this.secrets.add(token);
		this.issued.put(token, expiresAt);
		return "{\"access_token\":\"" + token + "\", \"token_type\":\"Bearer\"" + expiresIn + extra + "}";
	}

	private String secret(String prefix) {
		String secret = prefix + UUID.randomUUID();
		this.secrets.add(secret);
		return secret;
	}

	private static void respond(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.getResponseHeaders().set("Content-Type", "application/json");
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
	}

	private static Map<String, String> form(String body) {
		Map<String, String> form = new HashMap<>();
		for (String pair : body.split("&")) {
			String[] parts = pair.split("=", 2);
			if (parts.length == 2) {
				form.put(decode(parts[0]), decode(parts[1]));
			}
		}
		return form;
	}

	private static String decode(String value) {
		return URLDecoder.decode(value, StandardCharsets.UTF_8);
	}

}

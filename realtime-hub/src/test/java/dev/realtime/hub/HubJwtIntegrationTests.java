package dev.realtime.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.client.spi.Transport.TransportSession;
import dev.realtime.hub.HubHttpEndToEndIntegrationTests.Recorder;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.transport.TransportProxy;
import dev.realtime.transport.http.HttpTransport;
import dev.realtime.transport.socketio.HttpProxy;
import dev.realtime.transport.socketio.SocketIoTransport;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub checking JWTs of an issuer the test serves (OpenID Connect discovery and a JWK
 * Set on the JDK's HTTP server) with {@code realtime.hub.auth.issuer-uri}, RS256 and
 * ES256, and an audience, at the default clock skew and JWK Set cache: a key rotation
 * without restart, every refusal with its documented status on WebSocket, SockJS and
 * Socket.IO, 4001 when a token expires while connected, 503 while the JWK Set cannot be
 * fetched, and no token in any log line.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.hub.socketio.enabled=true", "realtime.hub.auth.jws-algorithms=RS256,ES256",
				"realtime.hub.auth.audiences=" + TestIssuer.AUDIENCE,
				// every line the hub and Spring Security write, for the log test
				"logging.level.dev.realtime=DEBUG", "logging.level.org.springframework.security=DEBUG" })
@ExtendWith(OutputCaptureExtension.class)
class HubJwtIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int FRAME_LIMIT = 1 << 20;

	private static final TestIssuer issuer = TestIssuer.start();

	private static final int SOCKETIO_PORT = freePort();

	private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

	/** One client for every Socket.IO connection, whose threads stop after the tests. */
	private static final OkHttpClient socketIoHttp = SocketIoTransport.httpClient(CONNECT_TIMEOUT,
			HttpProxy.JVM_SETTINGS, null, null);

	@LocalServerPort
	int port;

	private final ExecutorService executor = Executors.newCachedThreadPool();

	private final List<TransportSession> sessions = new ArrayList<>();

	@DynamicPropertySource
	static void issuer(DynamicPropertyRegistry registry) {
		registry.add("realtime.hub.auth.issuer-uri", issuer::uri);
		registry.add("realtime.hub.socketio.port", () -> SOCKETIO_PORT);
	}

	@AfterEach
	void closeSessions() {
		this.sessions.forEach((session) -> session.close(CloseCodes.NORMAL, "test done"));
		this.executor.shutdownNow();
		issuer.failing(false);
	}

	@AfterAll
	static void stopIssuerAndClient() {
		issuer.close();
		socketIoHttp.dispatcher().executorService().shutdown();
		socketIoHttp.connectionPool().evictAll();
	}

	@Test
	void rs256AndEs256TokensOfTheJwkSetAreAcceptedAcrossAKeyRotationWithoutRestart() {
		RSAKey rsa = TestIssuer.rsaKey("rotation-rsa-1");
		ECKey ec = TestIssuer.ecKey("rotation-ec-1");
		issuer.publish(rsa, ec);
		assertThat(status(Kind.WEBSOCKET, "alice", issuer.token(rsa, "alice"))).isEqualTo(101);
		assertThat(status(Kind.WEBSOCKET, "alice", issuer.token(ec, "alice"))).isEqualTo(101);
		int fetches = issuer.jwkSetRequests();

		// the issuer rotates: new kids published, the old keys removed
		RSAKey nextRsa = TestIssuer.rsaKey("rotation-rsa-2");
		ECKey nextEc = TestIssuer.ecKey("rotation-ec-2");
		issuer.publish(nextRsa, nextEc);
		// a token naming an unknown kid makes the hub fetch the JWK Set again (Nimbus's
		// cache, at its defaults)
		assertThat(status(Kind.WEBSOCKET, "alice", issuer.token(nextRsa, "alice"))).isEqualTo(101);
		assertThat(status(Kind.SOCKJS, "alice", issuer.token(nextEc, "alice"))).isEqualTo(101);
		assertThat(issuer.jwkSetRequests()).isGreaterThan(fetches);
		// the removed keys are gone from the fetched set: their tokens are refused
		assertThat(status(Kind.WEBSOCKET, "alice", issuer.token(rsa, "alice"))).isEqualTo(401);
		assertThat(status(Kind.SOCKETIO, "alice", issuer.token(ec, "alice"))).isEqualTo(401);
	}

	@ParameterizedTest
	@EnumSource(Kind.class)
	void everyRefusalHasItsDocumentedStatus(Kind kind) {
		RSAKey key = TestIssuer.rsaKey("refusals-" + kind);
		issuer.publish(key);
		Instant now = Instant.now();
		assertThat(status(kind, "alice", issuer.token(key, "alice"))).isEqualTo(101);
		assertThat(status(kind, "alice",
				issuer.token(key, "alice", (claims) -> claims.expirationTime(Date.from(now.minusSeconds(60))))))
			.as("expired")
			.isEqualTo(401);
		assertThat(status(kind, "alice",
				issuer.token(key, "alice", (claims) -> claims.issuer("https://someone-else.example.com"))))
			.as("wrong issuer")
			.isEqualTo(401);
		assertThat(status(kind, "alice", issuer.token(key, "alice", (claims) -> claims.audience("billing"))))
			.as("wrong audience")
			.isEqualTo(401);
		// the published kid, another key: the signature does not match
		assertThat(status(kind, "alice", issuer.token(TestIssuer.rsaKey(key.getKeyID()), "alice"))).as("bad signature")
			.isEqualTo(401);
		assertThat(status(kind, "alice", issuer.token(key, "bob"))).as("another user's token").isEqualTo(403);
	}

	@ParameterizedTest
	@EnumSource(value = Kind.class, names = { "WEBSOCKET", "SOCKJS" })
	void noTokenIsRefusedWith401(Kind kind) {
		assertThat(status(kind, "alice", null)).isEqualTo(401);
	}

	@Test
	void noTokenOnSocketIoIsClosedWith4001AtTheFirstMessage() throws Exception {
		// a Socket.IO connect without auth payload is checked when its first message
		// arrives (docs/PROTOCOL.md, Socket.IO mapping): 401 becomes 4001
		Recorder recorder = new Recorder();
		TransportSession session = open(Kind.SOCKETIO, "alice", null, recorder);
		session.send("{\"type\":\"resume\",\"client_id\":\"" + UUID.randomUUID() + "\",\"last_ack_seq\":0}");
		await().atMost(WAIT).untilAsserted(() -> assertThat(recorder.closes).containsExactly(CloseCodes.TOKEN_EXPIRED));
	}

	@Test
	void aTokenThatExpiresWhileConnectedClosesWith4001OnEveryTransport() throws Exception {
		RSAKey key = TestIssuer.rsaKey("expiry");
		issuer.publish(key);
		Instant expiresAt = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
		String token = TestIssuer.sign(key, issuer.claims("erin", expiresAt).build());
		Map<Kind, Recorder> recorders = Map.of(Kind.WEBSOCKET, new Recorder(), Kind.SOCKJS, new Recorder(),
				Kind.SOCKETIO, new Recorder());
		for (Map.Entry<Kind, Recorder> transport : recorders.entrySet()) {
			open(transport.getKey(), "erin", token, transport.getValue());
		}
		await().atMost(WAIT)
			.untilAsserted(() -> recorders.forEach((kind, recorder) -> assertThat(recorder.closes).as(kind.name())
				.containsExactly(CloseCodes.TOKEN_EXPIRED)));
		// not before exp plus the default clock skew (5 s): the poll interval is 100 ms
		assertThat(Instant.now()).isAfterOrEqualTo(expiresAt.plusSeconds(5));
	}

	@Test
	void aJwkSetThatCannotBeFetchedIsA503AndOneWarningUntilItRecovers(CapturedOutput output) {
		RSAKey known = TestIssuer.rsaKey("outage-known");
		issuer.publish(known);
		assertThat(status(Kind.WEBSOCKET, "alice", issuer.token(known, "alice"))).isEqualTo(101);

		issuer.failing(true);
		RSAKey added = TestIssuer.rsaKey("outage-added");
		for (Kind kind : Kind.values()) {
			// the client retries with backoff instead of refreshing a token that is fine
			assertThat(status(kind, "alice", issuer.token(added, "alice"))).as(kind.name()).isEqualTo(503);
		}
		assertThat(output.getAll().lines().filter((line) -> line.contains("Cannot check tokens"))).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN"));

		issuer.publish(known, added);
		issuer.failing(false);
		assertThat(status(Kind.WEBSOCKET, "alice", issuer.token(added, "alice"))).isEqualTo(101);
		assertThat(output.getAll()).contains("Tokens can be checked again");
	}

	@Test
	void noTokenAppearsInAnyLogLine(CapturedOutput output) throws Exception {
		RSAKey key = TestIssuer.rsaKey("logs");
		issuer.publish(key);
		List<String> tokens = new ArrayList<>(List.of(issuer.token(key, "alice"), issuer.token(key, "bob"),
				issuer.token(key, "alice",
						(claims) -> claims.expirationTime(Date.from(Instant.now().minusSeconds(60)))),
				issuer.token(key, "alice", (claims) -> claims.issuer("https://someone-else.example.com")),
				issuer.token(key, "alice", (claims) -> claims.audience("billing")),
				issuer.token(TestIssuer.rsaKey("logs"), "alice"), "not-a-jwt-but-a-secret-all-the-same"));
		for (Kind kind : Kind.values()) {
			for (String token : tokens) {
				status(kind, "alice", token);
			}
		}
		// in the query, as browsers send it
		assertThat(RawHubConnection.handshakeStatus(this.port, "alice", "?access_token=" + tokens.get(0),
				UUID.randomUUID().toString(), "1"))
			.isEqualTo(101);
		issuer.failing(true);
		String duringOutage = issuer.token(TestIssuer.rsaKey("logs-outage"), "alice");
		tokens.add(duringOutage);
		assertThat(status(Kind.WEBSOCKET, "alice", duringOutage)).isEqualTo(503);

		assertThat(output.getAll()).contains("Refused WebSocket handshake with 401",
				"Refused Socket.IO connect with 403");
		for (String token : tokens) {
			assertThat(output.getAll()).doesNotContain(token);
			// nor the signature alone, which is what makes the token a credential
			assertThat(output.getAll()).doesNotContain(token.substring(token.lastIndexOf('.') + 1));
		}
	}

	/**
	 * The HTTP status of a handshake with a token: 101 when the connection opened (it is
	 * closed after the test).
	 */
	private int status(Kind kind, String user, @Nullable String token) {
		try {
			open(kind, user, token, new Recorder());
			return 101;
		}
		catch (ExecutionException ex) {
			if (Transport.unwrap(ex) instanceof HandshakeRejectedException rejected) {
				return rejected.getStatus();
			}
			throw new AssertionError(kind + " handshake failed without a status", ex);
		}
		catch (Exception ex) {
			throw new AssertionError(kind + " handshake failed", ex);
		}
	}

	private TransportSession open(Kind kind, String user, @Nullable String token, Recorder recorder) throws Exception {
		Map<String, String> headers = (token != null) ? Map.of("Authorization", "Bearer " + token) : Map.of();
		TransportSession session = transport(kind).connect(uri(kind, user), headers, recorder)
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		this.sessions.add(session);
		return session;
	}

	private Transport transport(Kind kind) {
		return switch (kind) {
			case WEBSOCKET -> new WebSocketTransport(FRAME_LIMIT, CONNECT_TIMEOUT, this.executor);
			case SOCKJS ->
				new HttpTransport(null, FRAME_LIMIT, CONNECT_TIMEOUT, this.executor, null, TransportProxy.jvm());
			case SOCKETIO -> new SocketIoTransport(FRAME_LIMIT, CONNECT_TIMEOUT, socketIoHttp);
		};
	}

	private URI uri(Kind kind, String user) {
		String query = "?client_id=" + UUID.randomUUID() + "&user_id=" + user + "&protocol=1";
		return (kind == Kind.SOCKETIO) ? URI.create("http://localhost:" + SOCKETIO_PORT + query)
				: URI.create("ws://localhost:" + this.port + "/realtime" + query);
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The hub's transports.
	 */
	enum Kind {

		WEBSOCKET, SOCKJS, SOCKETIO

	}

}

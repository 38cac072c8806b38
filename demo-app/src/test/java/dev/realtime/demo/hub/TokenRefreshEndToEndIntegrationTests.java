package dev.realtime.demo.hub;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.demo.token.DemoTokenSigner;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.hub.RawHubConnection;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The demo's own client gets 3-second JWTs from the demo token endpoint on PostgreSQL: it
 * refreshes them ahead of expiry, the hub closes each session with 4001 when its token
 * expires, the client reconnects with the fresh token, and every event still arrives
 * exactly once.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT,
		properties = { "demo.token-endpoint.token-ttl=3s", "realtime.auth.refresh-before-expiry=1s",
				"realtime.hub.auth.clock-skew=0s", "realtime.hub.tokens.alice-token=alice" })
class TokenRefreshEndToEndIntegrationTests extends PostgresSchemaSupport {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int PHASES = 4;

	private static final int EVENTS_PER_PHASE = 25;

	private static int port;

	@Autowired
	DefaultRealtimeClient client;

	@Autowired
	Hub hub;

	@Autowired
	DemoTokenSigner signer;

	@Autowired
	TokenRequests tokenRequests;

	@DynamicPropertySource
	static void fixedPort(DynamicPropertyRegistry registry) {
		// the client's URLs are set before the server starts, so the port is chosen here
		port = TestSocketUtils.findAvailableTcpPort();
		registry.add("server.port", () -> port);
		registry.add("realtime.url", () -> "ws://localhost:" + port + "/realtime");
	}

	@Test
	void eventsSentAcrossSeveralTokenLifetimesAreAcceptedExactlyOnce() {
		List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();
		this.client.onConnectionStateChange(changes::add);
		await().atMost(WAIT).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);

		long sent = 0;
		for (int phase = 1; phase <= PHASES; phase++) {
			for (int i = 0; i < EVENTS_PER_PHASE; i++) {
				sent++;
				this.client.sendEvent("load.item", Map.of("i", sent));
			}
			// the next batch goes out on the connection after the next expiry
			int expiries = phase;
			await().atMost(WAIT).until(() -> tokenExpiredCloses(changes) >= expiries);
		}

		long total = sent;
		await().atMost(WAIT)
			.until(() -> this.hub.acceptedEvents(this.client.clientId()).size() >= total
					&& this.client.pendingCount() == 0);
		List<AcceptedEvent> accepted = this.hub.acceptedEvents(this.client.clientId());
		List<Long> expected = LongStream.rangeClosed(1, total).boxed().toList();
		assertThat(accepted).extracting(AcceptedEvent::seq).containsExactlyElementsOf(expected);
		assertThat(accepted).extracting((event) -> event.payload().get("i").longValue())
			.containsExactlyElementsOf(expected);
		assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
		// refreshed ahead of expiry while connected, not only after the hub's 4001
		assertThat(this.tokenRequests.statesAtRequest()).contains(ConnectionState.CONNECTED);
		assertThat(this.tokenRequests.statesAtRequest()).hasSizeGreaterThanOrEqualTo(PHASES);
		assertThat(changes).noneMatch((change) -> change.current() == ConnectionState.FAILED);
	}

	@Test
	void handshakeChecksTheJwtsSubjectAndExpiry() throws Exception {
		String clientId = UUID.randomUUID().toString();
		String bobsToken = token("bob", Instant.now().plusSeconds(60));
		assertThat(handshakeStatus("alice", bobsToken, clientId)).isEqualTo(403);
		assertThat(handshakeStatus("bob", token("bob", Instant.now().minusSeconds(1)), clientId)).isEqualTo(401);
		String forged = new DemoTokenSigner("someone-elses-secret-of-32-bytes-or-more").sign("bob", Instant.now(),
				Instant.now().plusSeconds(60), Map.of());
		assertThat(handshakeStatus("bob", forged, clientId)).isEqualTo(401);
		assertThat(handshakeStatus("bob", bobsToken, clientId)).isEqualTo(101);
		// static demo tokens keep working beside JWTs, and never expire
		assertThat(handshakeStatus("alice", "alice-token", UUID.randomUUID().toString())).isEqualTo(101);
	}

	@Test
	void sessionIsClosedWith4001WhenItsTokenExpires() throws Exception {
		String token = token("carol", Instant.now().plusSeconds(2));
		try (RawHubConnection carol = RawHubConnection.open(port, "carol", UUID.randomUUID().toString(), token)) {
			assertThat(carol.awaitClose().getCode()).isEqualTo(CloseCodes.TOKEN_EXPIRED);
		}
	}

	private static int handshakeStatus(String user, String token, String clientId) {
		return RawHubConnection.handshakeStatus(port, user, token, clientId, "1");
	}

	private String token(String user, Instant expiresAt) {
		return this.signer.sign(user, expiresAt.minusSeconds(60), expiresAt, Map.of());
	}

	private static long tokenExpiredCloses(List<ConnectionStateChange> changes) {
		return changes.stream()
			.filter((change) -> change.reason().contains(String.valueOf(CloseCodes.TOKEN_EXPIRED)))
			.count();
	}

	/**
	 * Records the client's connection state at every token request: a request while
	 * connected is a proactive refresh.
	 */
	static final class TokenRequests extends OncePerRequestFilter {

		private final ObjectProvider<DefaultRealtimeClient> client;

		private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

		TokenRequests(ObjectProvider<DefaultRealtimeClient> client) {
			this.client = client;
		}

		List<ConnectionState> statesAtRequest() {
			return this.states;
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			if ("/oauth/token".equals(request.getRequestURI())) {
				this.states.add(this.client.getObject().connectionState());
			}
			chain.doFilter(request, response);
		}

	}

	@TestConfiguration(proxyBeanMethods = false)
	static class TokenRequestsConfiguration {

		@Bean
		TokenRequests tokenRequests(ObjectProvider<DefaultRealtimeClient> client) {
			return new TokenRequests(client);
		}

	}

}

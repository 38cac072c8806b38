package dev.realtime.auth;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtime.auth.OAuth2TokenProvider.ClientAuthentication;
import dev.realtime.test.TestTokenEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * {@link OAuth2TokenProvider} against a real token endpoint ({@link TestTokenEndpoint}).
 */
class OAuth2TokenProviderTests {

	private static final String SECRET = "client-s3cr3t-value";

	private final TestTokenEndpoint endpoint = TestTokenEndpoint.start("svc", SECRET, "rt-initial");

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.endpoint.close();
	}

	private OAuth2TokenProvider provider(OAuth2TokenProvider.Builder builder) {
		OAuth2TokenProvider provider = builder.build();
		this.closeables.add(provider);
		return provider;
	}

	private OAuth2TokenProvider.Builder clientCredentials() {
		return OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(SECRET, ClientAuthentication.CLIENT_SECRET_BASIC);
	}

	@Test
	void getsTokenFromAnEndpointThatSharesItsPortWithAWebSocketEndpoint() {
		this.endpoint.routeUpgradesToWebSocket();
		OAuth2TokenProvider provider = provider(clientCredentials());

		assertThat(this.endpoint.isValid(provider.getToken())).isTrue();
		// an HTTP/2 client would have asked for an h2c upgrade and got the WebSocket
		// handler's 401
		assertThat(this.endpoint.upgradeRequests()).isZero();
	}

	@Test
	void getsTokenWithClientCredentialsAndReusesItUntilExpiry() {
		OAuth2TokenProvider provider = provider(clientCredentials());

		String token = provider.getToken();

		assertThat(this.endpoint.isValid(token)).isTrue();
		assertThat(provider.getToken()).isEqualTo(token);
		assertThat(this.endpoint.requests()).isOne();
		assertThat(provider.refreshCount(RefreshOutcome.SUCCESS)).isOne();
	}

	@Test
	void sendsClientSecretAsFormParametersWhenConfigured() {
		OAuth2TokenProvider provider = provider(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(SECRET, ClientAuthentication.CLIENT_SECRET_POST));

		assertThat(this.endpoint.isValid(provider.getToken())).isTrue();
	}

	@Test
	void refreshesAheadOfExpiresIn() {
		this.endpoint.lifetime(Duration.ofSeconds(2));
		OAuth2TokenProvider provider = provider(clientCredentials().refreshBeforeExpiry(Duration.ofSeconds(1)));
		String first = provider.getToken();

		// the endpoint answers the refresh before the provider holds the new token: the
		// provider hands out the first one, still valid, until then
		await().atMost(Duration.ofSeconds(5))
			.until(() -> this.endpoint.requests() == 2 && !provider.getToken().equals(first));

		// refreshed while the first token was still valid: nobody waits for the endpoint
		String second = provider.getToken();
		assertThat(this.endpoint.isValid(second)).isTrue();
		assertThat(this.endpoint.requests()).isEqualTo(2);
	}

	@Test
	void refreshesAheadOfJwtExpClaim() {
		this.endpoint.lifetime(Duration.ofSeconds(3));
		this.endpoint.issueJwts();
		OAuth2TokenProvider provider = provider(clientCredentials().refreshBeforeExpiry(Duration.ofSeconds(1)));
		String first = provider.getToken();
		assertThat(first.split("\\.")).hasSize(3);
		assertThat(provider.toString()).contains("valid until");

		// the endpoint counts the request before the provider has read the answer
		await().atMost(Duration.ofSeconds(5)).until(() -> !provider.getToken().equals(first));
		assertThat(this.endpoint.requests()).isEqualTo(2);
	}

	@Test
	void usesRotatedRefreshTokenForTheNextRefresh() {
		OAuth2TokenProvider provider = provider(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(SECRET, ClientAuthentication.CLIENT_SECRET_BASIC)
			.refreshToken("rt-initial"));
		String first = provider.getToken();

		provider.invalidate(first);
		String second = provider.getToken();
		provider.invalidate(second);
		String third = provider.getToken();

		assertThat(List.of(first, second, third)).doesNotHaveDuplicates().allMatch(this.endpoint::isValid);
		List<String> presented = this.endpoint.presentedRefreshTokens();
		assertThat(presented).hasSize(3).doesNotHaveDuplicates().startsWith("rt-initial");
		assertThat(provider.refreshCount(RefreshOutcome.PERMANENT_FAILURE)).isZero();
	}

	@Test
	void invalidateForcesRefreshOnlyForTheCurrentToken() {
		OAuth2TokenProvider provider = provider(clientCredentials());
		String first = provider.getToken();
		provider.invalidate(first);
		String second = provider.getToken();

		// a late rejection of the old token does not throw the new one away
		provider.invalidate(first);

		assertThat(provider.getToken()).isEqualTo(second).isNotEqualTo(first);
		assertThat(this.endpoint.requests()).isEqualTo(2);
	}

	@Test
	void concurrentCallsDuringExpiryMakeOneRequest() throws Exception {
		MutableClock clock = new MutableClock();
		OAuth2TokenProvider provider = provider(clientCredentials().clock(clock));
		provider.getToken();
		clock.advance(Duration.ofHours(2));
		this.endpoint.hold();
		ExecutorService callers = Executors.newFixedThreadPool(20);
		List<Thread> threads = new ArrayList<>();
		try {
			List<CompletableFuture<String>> tokens = new ArrayList<>();
			for (int i = 0; i < 20; i++) {
				tokens.add(CompletableFuture.supplyAsync(() -> {
					synchronized (threads) {
						threads.add(Thread.currentThread());
					}
					return provider.getToken();
				}, callers));
			}
			// every caller is blocked in getToken() while the one request is held
			await().until(() -> {
				synchronized (threads) {
					return threads.size() == 20 && threads.stream()
						.allMatch((thread) -> thread.getState() == Thread.State.WAITING
								|| thread.getState() == Thread.State.TIMED_WAITING);
				}
			});
			this.endpoint.release();
			List<String> values = new ArrayList<>();
			for (CompletableFuture<String> token : tokens) {
				values.add(token.get(10, TimeUnit.SECONDS));
			}
			assertThat(values).hasSize(20).containsOnly(values.get(0));
			assertThat(this.endpoint.isValid(values.get(0))).isTrue();
			assertThat(this.endpoint.requests()).isEqualTo(2);
			assertThat(provider.refreshCount(RefreshOutcome.SUCCESS)).isEqualTo(2);
		}
		finally {
			callers.shutdownNow();
		}
	}

	@Test
	void invalidGrantIsPermanentAndNamesTheProperty() {
		OAuth2TokenProvider provider = provider(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(SECRET, ClientAuthentication.CLIENT_SECRET_BASIC)
			.refreshToken("rt-revoked"));

		assertThatExceptionOfType(TokenUnavailableException.class).isThrownBy(provider::getToken)
			.satisfies((ex) -> assertThat(ex.isPermanent()).isTrue())
			.withMessageContaining("invalid_grant")
			.withMessageContaining("realtime.auth.refresh-token")
			.withMessageNotContaining("rt-revoked")
			.withMessageNotContaining(SECRET);
		assertThat(provider.refreshCount(RefreshOutcome.PERMANENT_FAILURE)).isOne();
	}

	@Test
	void wrongClientSecretIsPermanent() {
		OAuth2TokenProvider provider = provider(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret("wrong-secret", ClientAuthentication.CLIENT_SECRET_BASIC));

		assertThatExceptionOfType(TokenUnavailableException.class).isThrownBy(provider::getToken)
			.satisfies((ex) -> assertThat(ex.isPermanent()).isTrue())
			.withMessageContaining("invalid_client")
			.withMessageContaining("realtime.auth.client-secret")
			.withMessageNotContaining("wrong-secret");
	}

	@Test
	void unavailableEndpointIsTransientAndRecovers() {
		this.endpoint.failWith(503, null);
		OAuth2TokenProvider provider = provider(clientCredentials());

		assertThatExceptionOfType(TokenUnavailableException.class).isThrownBy(provider::getToken)
			.satisfies((ex) -> assertThat(ex.isPermanent()).isFalse())
			.withMessageContaining("HTTP 503");
		this.endpoint.recover();

		assertThat(this.endpoint.isValid(provider.getToken())).isTrue();
		assertThat(provider.refreshCount(RefreshOutcome.TRANSIENT_FAILURE)).isOne();
		assertThat(provider.refreshCount(RefreshOutcome.SUCCESS)).isOne();
	}

	@Test
	void refusedConnectionIsTransient() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		OAuth2TokenProvider provider = provider(
				OAuth2TokenProvider.builder(URI.create("http://127.0.0.1:" + port + "/token"), "svc")
					.clientSecret(SECRET, ClientAuthentication.CLIENT_SECRET_BASIC)
					.timeout(Duration.ofSeconds(2)));

		assertThatExceptionOfType(TokenUnavailableException.class).isThrownBy(provider::getToken)
			.satisfies((ex) -> assertThat(ex.isPermanent()).isFalse())
			.withMessageContaining("unreachable");
		assertThat(provider.refreshCount(RefreshOutcome.TRANSIENT_FAILURE)).isOne();
	}

	@Test
	void timeoutIsTransient() {
		this.endpoint.hold();
		OAuth2TokenProvider provider = provider(clientCredentials().timeout(Duration.ofMillis(300)));

		assertThatExceptionOfType(TokenUnavailableException.class).isThrownBy(provider::getToken)
			.satisfies((ex) -> assertThat(ex.isPermanent()).isFalse())
			.withMessageContaining("realtime.auth.timeout");
	}

	@Test
	void toStringShowsNoSecret() {
		OAuth2TokenProvider provider = provider(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(SECRET, ClientAuthentication.CLIENT_SECRET_BASIC)
			.refreshToken("rt-initial"));
		String token = provider.getToken();

		assertThat(provider.toString()).contains("token endpoint").contains("******");
		for (String secret : this.endpoint.secrets()) {
			assertThat(provider.toString()).doesNotContain(secret);
		}
		assertThat(new TokenSource.IssuedToken(token, Instant.now()).toString()).doesNotContain(token);
	}

	/**
	 * A clock tests move forward by hand.
	 */
	static final class MutableClock extends Clock {

		private volatile Instant now = Instant.now();

		void advance(Duration duration) {
			this.now = this.now.plus(duration);
		}

		@Override
		public Instant instant() {
			return this.now;
		}

		@Override
		public java.time.ZoneId getZone() {
			return ZoneOffset.UTC;
		}

		@Override
		public Clock withZone(java.time.ZoneId zone) {
			return this;
		}

	}

}

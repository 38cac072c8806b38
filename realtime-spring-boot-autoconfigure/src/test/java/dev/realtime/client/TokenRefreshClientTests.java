package dev.realtime.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.auth.OAuth2TokenProvider;
import dev.realtime.auth.OAuth2TokenProvider.ClientAuthentication;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;
import dev.realtime.test.TestTokenEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real client whose tokens come from a real token endpoint ({@link TestTokenEndpoint}),
 * against a hub ({@link TestHub}) that accepts only the tokens the endpoint considers
 * valid. Every test runs with DEBUG logging on {@code dev.realtime} and checks that no
 * secret shows up in the output.
 */
@ExtendWith(OutputCaptureExtension.class)
class TokenRefreshClientTests {

	private static final String CLIENT_SECRET = "client-s3cr3t-value";

	private final List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();

	private final TestTokenEndpoint endpoint = TestTokenEndpoint.start("svc", CLIENT_SECRET, "rt-initial");

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private OAuth2TokenProvider tokens;

	private DefaultRealtimeClient client;

	@BeforeEach
	void startHub() {
		this.hub = this.fixture.hub();
		this.hub.acceptTokens(this.endpoint::isValid);
		// after the hub's start, which initialises the logging system
		LoggingSystem.get(getClass().getClassLoader()).setLogLevel("dev.realtime", LogLevel.DEBUG);
	}

	@AfterEach
	void stopAndCheckForLeaks(CapturedOutput output) {
		if (this.client != null) {
			this.client.close();
		}
		if (this.tokens != null) {
			this.tokens.close();
		}
		this.endpoint.close();
		assertThat(output.getOut()).contains("DEBUG").contains("Requesting a token from token endpoint");
		assertNoSecretIn(output.getAll());
		if (this.client != null) {
			assertNoSecretIn(String.valueOf(this.client.lastError()));
		}
	}

	private void assertNoSecretIn(String text) {
		Set<String> secrets = this.endpoint.secrets();
		assertThat(secrets).hasSizeGreaterThan(1);
		for (String secret : secrets) {
			assertThat(text).doesNotContain(secret);
		}
		assertThat(text).doesNotContain("rt-revoked");
	}

	private DefaultRealtimeClient start(OAuth2TokenProvider.Builder tokens, ClientSettings settings) {
		this.tokens = tokens.build();
		this.client = TestClients.create(settings, this.tokens);
		this.client.onConnectionStateChange(this.changes::add);
		this.client.connect();
		return this.client;
	}

	private OAuth2TokenProvider.Builder clientCredentials() {
		return OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(CLIENT_SECRET, ClientAuthentication.CLIENT_SECRET_BASIC);
	}

	private ClientSettings settings() {
		return TestClients.fastSettings(this.hub.uri(), "alice").build();
	}

	@Test
	void refreshesAheadOfExpiryWhileConnectedAndReconnectsWithTheFreshToken() {
		this.endpoint.lifetime(Duration.ofSeconds(2));
		start(clientCredentials().refreshBeforeExpiry(Duration.ofSeconds(1)), settings());
		await().until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		String first = this.hub.presentedTokens().get(0);

		await().atMost(Duration.ofSeconds(10))
			.until(() -> !this.endpoint.isValid(first) && this.endpoint.requests() >= 3);
		assertThat(this.changes).extracting(ConnectionStateChange::current)
			.containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);

		this.hub.closeAll(CloseCodes.GOING_AWAY, "restart");
		await().until(() -> this.hub.handshakes() == 2 && this.client.connectionState() == ConnectionState.CONNECTED);

		// the one new handshake carried a token the endpoint had already refreshed: no
		// 401
		assertThat(this.hub.presentedTokens()).hasSize(2).doesNotHaveDuplicates();
	}

	@Test
	void tokenExpiredCloseMidStreamRefreshesAndReconnectsAtOnceWithoutLosingEvents() throws Exception {
		ClientSettings slowBackoff = TestClients.fastSettings(this.hub.uri(), "alice")
			.reconnect(new ExponentialBackoff(Duration.ofSeconds(10), Duration.ofSeconds(20), 0), -1)
			.build();
		start(clientCredentials(), slowBackoff);
		await().until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		// the first 50 are in flight, unacked, when the token expires
		this.hub.acking(false);
		List<SendHandle> handles = new ArrayList<>();
		for (int i = 0; i < 50; i++) {
			handles.add(this.client.sendEvent("n", Map.of("i", i)));
		}
		await().until(() -> this.hub.received().size() == 50);
		this.hub.acking(true);

		this.endpoint.revokeAll();
		this.hub.closeAll(CloseCodes.TOKEN_EXPIRED, "token expired");
		for (int i = 50; i < 100; i++) {
			handles.add(this.client.sendEvent("n", Map.of("i", i)));
		}

		// well within the 10 s backoff: the reconnect after 4001 does not wait
		await().atMost(Duration.ofSeconds(5)).until(() -> this.hub.handshakes() == 2);
		for (SendHandle handle : handles) {
			handle.acknowledged().get(10, TimeUnit.SECONDS);
		}
		assertThat(this.hub.accepted()).extracting(EventFrame::seq)
			.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 100).boxed().toList());
		assertThat(this.hub.accepted()).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(java.util.stream.IntStream.range(0, 100).boxed().toList());
		assertThat(this.hub.presentedTokens()).hasSize(2).doesNotHaveDuplicates();
		assertThat(this.endpoint.requests()).isEqualTo(2);
		assertThat(this.changes).filteredOn((change) -> change.current() == ConnectionState.RECONNECTING)
			.singleElement()
			.satisfies((change) -> assertThat(change.reason()).contains("4001"));
	}

	@Test
	void invalidGrantFailsTheClientSayingWhy() {
		start(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(CLIENT_SECRET, ClientAuthentication.CLIENT_SECRET_BASIC)
			.refreshToken("rt-revoked"), settings());

		await().until(() -> this.client.connectionState() == ConnectionState.FAILED);

		assertThat(this.client.lastError()).contains("invalid_grant").contains("realtime.auth.refresh-token");
		assertThat(this.hub.presentedTokens()).isEmpty();
		assertThat(this.endpoint.requests()).isOne();
	}

	@Test
	void keepsRetryingWhileTheEndpointIsDownAndDeliversQueuedEventsWhenItIsBack() throws Exception {
		this.endpoint.failWith(503, null);
		start(OAuth2TokenProvider.builder(this.endpoint.uri(), "svc")
			.clientSecret(CLIENT_SECRET, ClientAuthentication.CLIENT_SECRET_POST)
			.refreshToken("rt-initial"), settings());
		await().until(() -> this.endpoint.requests() >= 3);
		assertThat(this.client.connectionState()).isEqualTo(ConnectionState.RECONNECTING);
		assertThat(this.client.lastError()).contains("token unavailable").contains("HTTP 503");
		List<SendHandle> handles = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			handles.add(this.client.sendEvent("n", Map.of("i", i)));
		}

		this.endpoint.recover();

		for (SendHandle handle : handles) {
			handle.acknowledged().get(10, TimeUnit.SECONDS);
		}
		assertThat(this.hub.accepted()).hasSize(5);
		assertThat(this.client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertThat(this.endpoint.presentedRefreshTokens()).last().isEqualTo("rt-initial");
		assertThat(this.tokens.toString()).doesNotContain(this.hub.presentedTokens().get(0));
	}

}

package dev.realtime.client.internal;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.internal.ScriptedTransport.Attempt;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.FrameCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection state machine, driven step by step through a scripted transport.
 */
class ConnectionStateMachineTests {

	private static final String RESUMED = "{\"type\":\"resume_response\",\"ack_seq\":0,\"events\":[]}";

	private final ScriptedTransport transport = new ScriptedTransport();

	private final List<ConnectionState> states = new CopyOnWriteArrayList<>();

	private final List<String> tokens = new CopyOnWriteArrayList<>();

	private final List<String> invalidated = new CopyOnWriteArrayList<>();

	private DefaultRealtimeClient client;

	@AfterEach
	void close() {
		this.client.close();
	}

	private void start(ClientSettings settings) {
		TokenProvider provider = new TokenProvider() {

			@Override
			public String getToken() {
				String token = "token-" + (ConnectionStateMachineTests.this.tokens.size() + 1);
				ConnectionStateMachineTests.this.tokens.add(token);
				return token;
			}

			@Override
			public void invalidate(String rejected) {
				ConnectionStateMachineTests.this.invalidated.add(rejected);
			}

		};
		this.client = new DefaultRealtimeClient(settings, this.transport, provider, new InMemoryOutboundQueue(100),
				new InMemoryInboundStore(), new FrameCodec(), Clock.systemUTC());
		this.client.onConnectionStateChange((change) -> this.states.add(change.current()));
		this.client.connect();
	}

	private static ClientSettings.Builder settings() {
		return ClientSettings.builder(URI.create("ws://hub/realtime"), "alice")
			.reconnect(new ExponentialBackoff(Duration.ofMillis(10), Duration.ofMillis(20), 0), -1);
	}

	private Attempt connected() throws InterruptedException {
		Attempt attempt = this.transport.nextAttempt().open();
		await().until(() -> attempt.sent.size() == 1);
		attempt.hubSends(RESUMED);
		await().until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		return attempt;
	}

	@Test
	void handshakeCarriesProtocolParametersAndBearerToken() throws Exception {
		start(settings().build());
		Attempt attempt = this.transport.nextAttempt();

		assertThat(attempt.uri.getQuery())
			.isEqualTo("client_id=" + this.client.clientId() + "&user_id=alice&protocol=1");
		assertThat(attempt.headers).containsEntry("Authorization", "Bearer token-1");
	}

	@Test
	void isConnectedOnlyOnceTheHubAnsweredResume() throws Exception {
		start(settings().build());
		Attempt attempt = this.transport.nextAttempt().open();
		await().until(() -> attempt.sent.size() == 1);

		assertThat(attempt.sent.get(0))
			.isEqualTo("{\"type\":\"resume\",\"client_id\":\"" + this.client.clientId() + "\",\"last_ack_seq\":0}");
		assertThat(this.client.connectionState()).isEqualTo(ConnectionState.CONNECTING);
		attempt.hubSends(RESUMED);
		await().until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		assertThat(this.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
	}

	@Test
	void failedAttemptGoesReconnectingThenConnected() throws Exception {
		start(settings().build());
		this.transport.nextAttempt().result.completeExceptionally(new java.io.IOException("connection refused"));
		await().until(() -> this.client.connectionState() == ConnectionState.RECONNECTING);
		assertThat(this.client.lastError()).contains("connection refused");

		connected();

		assertThat(this.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.RECONNECTING,
				ConnectionState.CONNECTED);
	}

	@Test
	void tokenExpiredCloseInvalidatesTokenAndReconnectsAtOnceWithNewToken() throws Exception {
		start(settings().reconnect(new ExponentialBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30), 0), -1)
			.build());
		Attempt first = connected();

		first.hubCloses(CloseCodes.TOKEN_EXPIRED, "token expired");

		// with a 30 s backoff, only an immediate reconnect can arrive in time
		Attempt second = this.transport.nextAttempt();
		assertThat(this.invalidated).containsExactly("token-1");
		assertThat(second.headers).containsEntry("Authorization", "Bearer token-2");
	}

	@Test
	void resumeTimeoutDropsTheConnectionAndRetries() throws Exception {
		start(settings().connectTimeout(Duration.ofMillis(200)).build());
		Attempt silent = this.transport.nextAttempt().open();

		await().until(() -> this.client.connectionState() == ConnectionState.RECONNECTING);
		assertThat(this.client.lastError()).contains("no resume_response within 200 ms");
		assertThat(silent.closedWith).isEqualTo(CloseCodes.GOING_AWAY);
		connected();
	}

	@Test
	void lateCallbacksOfAnAbandonedConnectionAreIgnored() throws Exception {
		start(settings().build());
		Attempt first = connected();
		this.client.disconnect();
		assertThat(first.closedWith).isEqualTo(CloseCodes.NORMAL);

		first.hubCloses(CloseCodes.GOING_AWAY, "late");
		first.hubSends(RESUMED);

		assertThat(this.client.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
		assertThat(this.transport.hasPendingAttempt()).isFalse();
	}

	@Test
	void forbiddenAtHandshakeFails() throws Exception {
		start(settings().build());
		this.transport.nextAttempt().refuse(403);

		await().until(() -> this.client.connectionState() == ConnectionState.FAILED);
		assertThat(this.client.lastError()).contains("HTTP 403");
	}

	@Test
	void connectAfterFailureStartsAFreshAttempt() throws Exception {
		start(settings().build());
		this.transport.nextAttempt().refuse(403);
		await().until(() -> this.client.connectionState() == ConnectionState.FAILED);

		this.client.connect();

		connected();
		assertThat(this.states).containsExactly(ConnectionState.CONNECTING, ConnectionState.FAILED,
				ConnectionState.CONNECTING, ConnectionState.CONNECTED);
	}

}

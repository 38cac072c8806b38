package dev.realtime.transport.socketio;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.SendHandle;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.test.NodeSocketIoServer;
import dev.realtime.test.SquidProxy;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Socket.IO transport against a real Socket.IO server that is not the reference hub
 * ({@link NodeSocketIoServer}: the npm {@code socket.io} package on Node.js). The client
 * connects, sends with acks, resumes after the server drops every connection with events
 * in flight and more sent meanwhile (nothing lost or accepted twice, in order), receives
 * pushed events live and through resume, and a refused token or user is a
 * {@link HandshakeRejectedException} with the server's status. Through a real HTTP proxy
 * (Debian's {@code squid}, started by the test, with basic authentication and WebSocket
 * upgrades allowed) the client connects with the configured credentials; wrong ones are a
 * 407.
 */
class SocketIoNodeServerIntegrationTests {

	private static NodeSocketIoServer server;

	private DefaultRealtimeClient client;

	@BeforeAll
	static void startServer() {
		server = NodeSocketIoServer
			.start("{\"alice-token\":\"alice\",\"bob-token\":\"bob\",\"carol-token\":\"carol\"}");
	}

	@AfterAll
	static void stopServer() {
		if (server != null) {
			server.close();
		}
	}

	@AfterEach
	void closeClient() {
		if (this.client != null) {
			this.client.close();
		}
	}

	@Test
	void sendsWithAcksAndResumesAfterTheServerDropsTheConnection() {
		this.client = connect("alice", "alice-token");
		assertThat(this.client.transport()).isEqualTo("socketio");
		List<SendHandle> handles = new ArrayList<>(send(1, 300));
		await("a third of the events at the server").atMost(Duration.ofSeconds(30))
			.until(() -> acceptedItems(this.client.clientId()).size() >= 100);
		command("drop");
		// sent while the connection goes down: queued, then resent after the resume
		handles.addAll(send(301, 600));
		handles.forEach((handle) -> handle.acknowledged().orTimeout(60, TimeUnit.SECONDS).join());
		await("the reconnect").atMost(Duration.ofSeconds(30)).until(() -> this.client.metrics().reconnects() >= 1);
		assertThat(awaitAcceptedItems(this.client.clientId(), 600))
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 600).boxed().toList());
		assertThat(this.client.pendingCount()).isZero();
	}

	@Test
	void receivesPushedEventsLiveAndThroughResume() {
		this.client = connect("bob", "bob-token");
		Queue<Integer> received = new ConcurrentLinkedQueue<>();
		this.client.onMessage((message) -> received.add(message.payload().get("i").intValue()));
		command("push bob 50");
		await("live events").atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 50);
		command("drop");
		command("push bob 50");
		await("events after the drop").atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 100);
		assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
	}

	@Test
	void connectsThroughAnHttpProxyWithBasicAuthentication() throws Exception {
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret")) {
			this.client = connect("carol", "carol-token", new HttpProxy("127.0.0.1", squid.port(), "bob", "s3cret"));
			send(1, 20).forEach((handle) -> handle.acknowledged().orTimeout(30, TimeUnit.SECONDS).join());
			assertThat(awaitAcceptedItems(this.client.clientId(), 20))
				.containsExactlyElementsOf(IntStream.rangeClosed(1, 20).boxed().toList());
			// the proxy logs a tunnelled WebSocket once it ends
			this.client.close();
			this.client = null;
			await("the proxy's access log").atMost(Duration.ofSeconds(30))
				.until(squid::accessLog, (log) -> log.stream()
					.anyMatch((line) -> line.contains("/socket.io/") && line.contains(" bob ")));
		}
	}

	@Test
	void proxyRefusingTheCredentialsIsAHandshakeRejectionWith407() throws Exception {
		try (SquidProxy squid = SquidProxy.withBasicAuthentication("bob", "s3cret")) {
			assertThat(refusal("carol", "carol-token", new HttpProxy("127.0.0.1", squid.port(), "bob", "wrong"))
				.getStatus()).isEqualTo(407);
		}
	}

	@Test
	void refusedTokenIsAHandshakeRejectionWith401() {
		assertThat(refusal("carol", "not-a-token").getStatus()).isEqualTo(401);
	}

	@Test
	void tokenOfAnotherUserIsAHandshakeRejectionWith403() {
		assertThat(refusal("carol", "alice-token").getStatus()).isEqualTo(403);
	}

	private HandshakeRejectedException refusal(String user, String token) {
		return refusal(user, token, HttpProxy.JVM_SETTINGS);
	}

	private HandshakeRejectedException refusal(String user, String token, HttpProxy proxy) {
		Transport transport = transport(proxy);
		URI uri = URI.create("http://127.0.0.1:" + server.port() + "?client_id=refused-" + user + "&user_id=" + user
				+ "&protocol=1");
		CompletableFuture<Transport.TransportSession> connect = transport.connect(uri,
				Map.of("Authorization", "Bearer " + token), new Transport.TransportListener() {

					@Override
					public void onText(String text) {
					}

					@Override
					public void onClosed(int code, String reason) {
					}

				});
		Throwable[] failure = new Throwable[1];
		assertThatThrownBy(() -> connect.get(30, TimeUnit.SECONDS)).satisfies((ex) -> failure[0] = ex.getCause());
		assertThat(failure[0]).isInstanceOf(HandshakeRejectedException.class);
		return (HandshakeRejectedException) failure[0];
	}

	private DefaultRealtimeClient connect(String user, String token) {
		return connect(user, token, HttpProxy.JVM_SETTINGS);
	}

	private DefaultRealtimeClient connect(String user, String token, HttpProxy proxy) {
		DefaultRealtimeClient connecting = TestClients.create(
				TestClients.fastSettings(URI.create("http://127.0.0.1:" + server.port()), user).build(),
				new StaticTokenProvider(token), transport(proxy));
		connecting.connect();
		await().atMost(Duration.ofSeconds(30)).until(() -> connecting.connectionState() == ConnectionState.CONNECTED);
		return connecting;
	}

	private static Transport transport(HttpProxy proxy) {
		return new SocketIoTransport(1 << 20, Duration.ofSeconds(5),
				SocketIoTransport.httpClient(Duration.ofSeconds(5), proxy, null, null));
	}

	private List<SendHandle> send(int first, int last) {
		return IntStream.rangeClosed(first, last)
			.mapToObj((i) -> this.client.sendEvent("node.item", Map.of("i", i)))
			.toList();
	}

	private static List<Integer> awaitAcceptedItems(String clientId, int count) {
		return server.awaitAcceptedItems(clientId, count);
	}

	private static List<Integer> acceptedItems(String clientId) {
		return server.acceptedItems(clientId);
	}

	private static void command(String line) {
		server.command(line);
	}

}

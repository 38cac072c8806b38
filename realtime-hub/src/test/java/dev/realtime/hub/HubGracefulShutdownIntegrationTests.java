package dev.realtime.hub;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.sockjs.client.RestTemplateXhrTransport;
import org.springframework.web.socket.sockjs.client.SockJsClient;

import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Closing a hub's application context (a rolling restart, a scale-in) closes every
 * connection with 1001 "going away" before the web server stops, on WebSocket, SockJS and
 * Socket.IO, so clients reconnect, to another node, and resume; and the node reports that
 * it no longer accepts work. The hub runs at its default settings.
 */
class HubGracefulShutdownIntegrationTests {

	private static final long TIMEOUT_SECONDS = 10;

	@Test
	void closingTheContextClosesWebSocketSockJsAndSocketIoClientsWithGoingAway() throws Exception {
		int socketIoPort = freePort();
		ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubTestApplication.class)
			.properties("server.port=0", "realtime.auto-connect=false",
					"spring.datasource.url=jdbc:h2:mem:hub-shutdown-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"realtime.hub.socketio.enabled=true", "realtime.hub.socketio.port=" + socketIoPort)
			.run();
		int port = Integer.parseInt(hub.getEnvironment().getRequiredProperty("local.server.port"));
		HubNode node = hub.getBean(HubNode.class);
		String webSocketClient = UUID.randomUUID().toString();
		RawHubConnection webSocket = RawHubConnection.open(port, "alice", webSocketClient, "alice-token");
		webSocket.send(new ResumeFrame(webSocketClient, 0));
		webSocket.next(ResumeResponseFrame.class);
		SockJsConnection sockJs = SockJsConnection.open(port, "bob", "bob-token");
		SocketIoConnection socketIo = SocketIoConnection.open(socketIoPort, "alice", "alice-token");
		assertThat(node.openSessions()).isEqualTo(3);
		assertThat(node.isAccepting()).isTrue();

		hub.close();

		// the hub's own close, not the container's when it stops
		CloseStatus goingAway = new CloseStatus(CloseCodes.GOING_AWAY, "going away");
		assertThat(webSocket.awaitClose()).isEqualTo(goingAway);
		assertThat(sockJs.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isEqualTo(goingAway);
		// Socket.IO has no close frame: the hub's close event says it, before the
		// disconnect
		JSONObject close = socketIo.closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		assertThat(close.getInt("code")).isEqualTo(CloseCodes.GOING_AWAY);
		assertThat(close.getString("reason")).isEqualTo("going away");
		assertThat(node.isAccepting()).isFalse();
		assertThat(node.openSessions()).isZero();
	}

	@Test
	void aNodeShuttingDownRefusesNewHandshakesWithServiceUnavailable() {
		ConfigurableApplicationContext hub = new SpringApplicationBuilder(HubTestApplication.class)
			.properties("server.port=0", "realtime.auto-connect=false",
					"spring.datasource.url=jdbc:h2:mem:hub-shutdown-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1")
			.run();
		try {
			int port = Integer.parseInt(hub.getEnvironment().getRequiredProperty("local.server.port"));
			assertThat(
					RawHubConnection.handshakeStatus(port, "alice", "alice-token", UUID.randomUUID().toString(), "1"))
				.isEqualTo(101);
			// the window between the node's stop and the web server's: a client that
			// connects then is told to go elsewhere instead of being accepted and cut off
			hub.getBean(HubNode.class).stop();
			assertThat(
					RawHubConnection.handshakeStatus(port, "alice", "alice-token", UUID.randomUUID().toString(), "1"))
				.isEqualTo(503);
		}
		finally {
			hub.close();
		}
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
	}

	/**
	 * A Socket.IO v4 client on the hub's Socket.IO endpoint, resumed.
	 */
	private static final class SocketIoConnection {

		private final CompletableFuture<String> resumed = new CompletableFuture<>();

		private final CompletableFuture<JSONObject> closed = new CompletableFuture<>();

		static SocketIoConnection open(int port, String userId, String token) throws Exception {
			String clientId = UUID.randomUUID().toString();
			SocketIoConnection connection = new SocketIoConnection();
			IO.Options options = new IO.Options();
			options.forceNew = true;
			options.reconnection = false;
			options.transports = new String[] { "websocket" };
			options.auth = Map.of("token", token);
			Socket socket = IO.socket(URI
				.create("http://localhost:" + port + "?client_id=" + clientId + "&user_id=" + userId + "&protocol=1"),
					options);
			CompletableFuture<Void> connected = new CompletableFuture<>();
			socket.on(Socket.EVENT_CONNECT, (args) -> connected.complete(null));
			socket.on(HubSocketIoServer.FRAME_EVENT, (args) -> connection.resumed.complete(String.valueOf(args[0])));
			socket.on(HubSocketIoServer.CLOSE_EVENT, (args) -> connection.closed.complete((JSONObject) args[0]));
			socket.connect();
			connected.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			socket.emit(HubSocketIoServer.FRAME_EVENT, new FrameCodec().encode(new ResumeFrame(clientId, 0)));
			assertThat(connection.resumed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS)).contains("resume_response");
			return connection;
		}

	}

	/**
	 * A SockJS client over HTTP (XHR streaming), as clients behind proxies that refuse
	 * WebSocket upgrades connect.
	 */
	private static final class SockJsConnection extends TextWebSocketHandler {

		private final CompletableFuture<ResumeResponseFrame> resumed = new CompletableFuture<>();

		private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

		private final FrameCodec codec = new FrameCodec();

		static SockJsConnection open(int port, String userId, String token) throws Exception {
			String clientId = UUID.randomUUID().toString();
			SockJsConnection connection = new SockJsConnection();
			WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
			headers.setBearerAuth(token);
			WebSocketSession session = new SockJsClient(List.of(new RestTemplateXhrTransport()))
				.execute(connection, headers,
						URI.create("http://localhost:" + port + "/realtime" + HubAutoConfiguration.SOCKJS_SUFFIX
								+ "?client_id=" + clientId + "&user_id=" + userId + "&protocol=1"))
				.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			session.sendMessage(new TextMessage(connection.codec.encode(new ResumeFrame(clientId, 0))));
			connection.resumed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			return connection;
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			this.codec.decode(message.getPayload(), (ex) -> {
				throw ex;
			})
				.stream()
				.filter(ResumeResponseFrame.class::isInstance)
				.map(ResumeResponseFrame.class::cast)
				.forEach(this.resumed::complete);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.closed.complete(status);
		}

	}

}

package dev.realtime.hub;

import java.util.Map;

import com.corundumstudio.socketio.AuthTokenResult;
import com.corundumstudio.socketio.Configuration;
import com.corundumstudio.socketio.HandshakeData;
import com.corundumstudio.socketio.SocketConfig;
import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.SocketIONamespace;
import com.corundumstudio.socketio.SocketIOServer;
import com.corundumstudio.socketio.Transport;
import com.corundumstudio.socketio.namespace.Namespace;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.util.UriComponentsBuilder;

import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.FrameSizes;

/**
 * The hub's Socket.IO endpoint (netty-socketio, Socket.IO v4 clients) on a port of its
 * own: the same handshake checks and protocol as the WebSocket endpoint. A client
 * authenticates in the namespace connect, with its {@code auth} payload {@code {token}}
 * (or, without one, the {@code Authorization} header of the Engine.IO handshake); a
 * refusal is a {@code connect_error} with {@code {message, data: {status}}}. A connect
 * without {@code auth} payload is checked when its first message arrives, and refused by
 * a close (4001, 4003 or 4400). Each protocol message is the one string argument of a
 * {@value #FRAME_EVENT} event; the hub closes a connection by emitting
 * {@value #CLOSE_EVENT} with {@code {code, reason}} and disconnecting. Only Engine.IO's
 * WebSocket transport is offered: netty-socketio processes a long-polling request after
 * answering it, so the messages of two requests could overtake each other.
 */
final class HubSocketIoServer implements SmartLifecycle {

	/** Event whose one string argument is a protocol message. */
	static final String FRAME_EVENT = "frame";

	/** Event with {@code {code, reason}} that a side emits before it disconnects. */
	static final String CLOSE_EVENT = "close";

	/** RFC 6455's "message too big", as the WebSocket endpoint closes with. */
	static final int TOO_BIG = 1009;

	/** RFC 6455's "internal error". */
	static final int SERVER_ERROR = 1011;

	private static final Log logger = LogFactory.getLog(HubSocketIoServer.class);

	private static final String SESSION = "realtime.session";

	private final HubProtocol protocol;

	private final HubHandshake handshake;

	private final HubProperties properties;

	private @Nullable SocketIOServer server;

	HubSocketIoServer(HubProtocol protocol, HubHandshake handshake, HubProperties properties) {
		this.protocol = protocol;
		this.handshake = handshake;
		this.properties = properties;
	}

	@Override
	public synchronized void start() {
		int maxFrameSize = (int) this.properties.getMaxFrameSize().toBytes();
		Configuration configuration = new Configuration();
		configuration.setHostname(this.properties.getSocketio().getAddress());
		configuration.setPort(this.properties.getSocketio().getPort());
		configuration.setTransports(Transport.WEBSOCKET);
		// a message is JSON inside a JSON string: escaping may double it
		configuration.setMaxFramePayloadLength(2 * maxFrameSize + 1024);
		configuration.setMaxHttpContentLength(2 * maxFrameSize + 1024);
		configuration.setPingTimeout(20_000);
		configuration.setBossThreads(1);
		SocketConfig socket = new SocketConfig();
		socket.setReuseAddress(true);
		socket.setTcpNoDelay(true);
		configuration.setSocketConfig(socket);
		SocketIOServer created = new SocketIOServer(configuration);
		SocketIONamespace namespace = created.getNamespace(Namespace.DEFAULT_NAME);
		namespace.addAuthTokenListener(this::authenticate);
		namespace.addEventListener(FRAME_EVENT, Object.class, (client, data, ack) -> received(client, data));
		namespace.addEventListener(CLOSE_EVENT, Object.class,
				(client, data, ack) -> logger.debug("Client " + client.getSessionId() + " closes with " + data));
		namespace.addDisconnectListener(this::disconnected);
		created.start();
		this.server = created;
		logger.info("Hub's Socket.IO endpoint listens on port " + configuration.getPort());
	}

	private AuthTokenResult authenticate(@Nullable Object auth, SocketIOClient client) {
		String token = (auth instanceof Map<?, ?> payload && payload.get("token") instanceof String value) ? value
				: null;
		HubHandshake.Outcome outcome = verify(client.getHandshakeData(), token);
		if (outcome instanceof HubHandshake.Refused refused) {
			logger.debug("Refused Socket.IO connect with " + refused.status().value() + ": " + refused.reason());
			return new AuthTokenResult(false,
					Map.of("message", refused.reason(), "data", Map.of("status", refused.status().value())));
		}
		client.set(SESSION, this.protocol.opened(new SocketIoHubConnection(client), (HubHandshake.Accepted) outcome));
		return AuthTokenResult.AuthTokenResultSuccess;
	}

	private HubHandshake.Outcome verify(HandshakeData handshakeData, @Nullable String token) {
		return this.handshake.verify(
				UriComponentsBuilder.fromUriString(handshakeData.getUrl()).build().getQueryParams(),
				handshakeData.getHttpHeaders().get(HttpHeaders.AUTHORIZATION), token);
	}

	/**
	 * Open the session of a connection whose namespace connect came without an
	 * {@code auth} payload (netty-socketio then asks no auth listener), checked with the
	 * Engine.IO handshake's {@code Authorization} header.
	 * @param client the connection
	 * @return the session, or {@code null} if the connection was refused and closed
	 */
	private @Nullable HubSession openWithoutAuthPayload(SocketIOClient client) {
		HubHandshake.Outcome outcome = verify(client.getHandshakeData(), null);
		SocketIoHubConnection connection = new SocketIoHubConnection(client);
		if (outcome instanceof HubHandshake.Refused refused) {
			logger.debug("Refused Socket.IO connection without auth payload with " + refused.status().value() + ": "
					+ refused.reason());
			connection.close(closeCode(refused.status()), refused.reason());
			return null;
		}
		HubSession session = this.protocol.opened(connection, (HubHandshake.Accepted) outcome);
		client.set(SESSION, session);
		return session;
	}

	/**
	 * Map a handshake refusal to the close code of an open connection: the client then
	 * does what the HTTP status would have told it.
	 * @param status the refusal's status
	 * @return the close code
	 */
	private static int closeCode(HttpStatus status) {
		return switch (status) {
			case UNAUTHORIZED -> CloseCodes.TOKEN_EXPIRED;
			case FORBIDDEN -> CloseCodes.FORBIDDEN;
			// the token could not be checked for now: retry with backoff, as after 1011
			case SERVICE_UNAVAILABLE -> SERVER_ERROR;
			default -> CloseCodes.PROTOCOL_ERROR;
		};
	}

	private void received(SocketIOClient client, @Nullable Object data) {
		HubSession stored = client.get(SESSION);
		HubSession session = (stored != null) ? stored : openWithoutAuthPayload(client);
		if (session == null) {
			return;
		}
		if (!(data instanceof String text)) {
			this.protocol.rejected(session, "A '" + FRAME_EVENT + "' event carries one string");
			return;
		}
		if (FrameSizes.utf8Length(text) > this.properties.getMaxFrameSize().toBytes()) {
			logger.info("Closing " + session + " with " + TOO_BIG + ": it sent a message above the frame limit");
			session.close(TOO_BIG, "message too big");
			return;
		}
		this.protocol.received(session, text);
	}

	private void disconnected(SocketIOClient client) {
		HubSession session = client.get(SESSION);
		if (session != null) {
			client.del(SESSION);
			this.protocol.closed(session, "Socket.IO disconnect");
		}
	}

	@Override
	public synchronized void stop() {
		SocketIOServer running = this.server;
		if (running != null) {
			running.stop();
			this.server = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.server != null;
	}

	/**
	 * Stop after the {@link HubNode}, which closes this server's connections first.
	 */
	@Override
	public int getPhase() {
		return HubNode.PHASE - 1;
	}

}

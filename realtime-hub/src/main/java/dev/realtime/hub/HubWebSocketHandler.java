package dev.realtime.hub;

import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

/**
 * The hub's WebSocket endpoint: hands each connection that passed the
 * {@link HubHandshakeInterceptor} and each of its text messages to the
 * {@link HubProtocol}.
 */
final class HubWebSocketHandler extends TextWebSocketHandler {

	/** Session attribute holding the {@link HubSession}. */
	static final String SESSION_ATTRIBUTE = HubSession.class.getName();

	private static final Log logger = LogFactory.getLog(HubWebSocketHandler.class);

	private final HubProtocol protocol;

	private final HubProperties properties;

	HubWebSocketHandler(HubProtocol protocol, HubProperties properties) {
		this.protocol = protocol;
		this.properties = properties;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		// put by HubHandshakeInterceptor, which refuses a handshake without it
		HubHandshake.Accepted accepted = (HubHandshake.Accepted) Objects.requireNonNull(
				session.getAttributes().get(HubHandshakeInterceptor.ACCEPTED),
				"no handshake in the session's attributes");
		// several threads send to a session (its own replies, other users' fan-out)
		WebSocketSession concurrent = new ConcurrentWebSocketSessionDecorator(session,
				(int) this.properties.getSendTimeLimit().toMillis(),
				(int) this.properties.getSendBufferLimit().toBytes());
		session.getAttributes()
			.put(SESSION_ATTRIBUTE, this.protocol.opened(new WebSocketHubConnection(concurrent), accepted));
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		HubSession hubSession = (HubSession) session.getAttributes().get(SESSION_ATTRIBUTE);
		if (hubSession != null) {
			this.protocol.received(hubSession, message.getPayload());
		}
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug("Transport error on session " + session.getId(), exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		HubSession hubSession = (HubSession) session.getAttributes().get(SESSION_ATTRIBUTE);
		if (hubSession != null) {
			this.protocol.closed(hubSession, status.toString());
		}
	}

}

package dev.realtime.hub;

import java.io.IOException;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import dev.realtime.protocol.TextMessageJoiner;
import dev.realtime.protocol.TextMessageJoiner.MessageTooBigException;

/**
 * The hub's WebSocket and SockJS endpoint: hands each connection that passed the
 * {@link HubHandshakeInterceptor} and each of its text messages to the
 * {@link HubProtocol}. The container delivers a long message in parts of its small
 * receive buffer ({@link HubAutoConfiguration}), joined here up to the frame limit: a
 * message beyond it closes the connection with 1009 (message too big) before the hub sees
 * it, on either endpoint (a SockJS message comes whole, and is counted the same way).
 */
final class HubWebSocketHandler extends TextWebSocketHandler {

	/** Session attribute holding the {@link HubSession}. */
	static final String SESSION_ATTRIBUTE = HubSession.class.getName();

	/** Session attribute holding the session's {@link TextMessageJoiner}. */
	private static final String JOINER_ATTRIBUTE = TextMessageJoiner.class.getName();

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
			.put(JOINER_ATTRIBUTE, new TextMessageJoiner(this.properties.getMaxFrameSize().toBytes()));
		session.getAttributes()
			.put(SESSION_ATTRIBUTE, this.protocol.opened(new WebSocketHubConnection(concurrent), accepted));
	}

	@Override
	public boolean supportsPartialMessages() {
		return true;
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage part) throws IOException {
		HubSession hubSession = (HubSession) session.getAttributes().get(SESSION_ATTRIBUTE);
		TextMessageJoiner joiner = (TextMessageJoiner) session.getAttributes().get(JOINER_ATTRIBUTE);
		if (hubSession == null || joiner == null || !session.isOpen()) {
			return;
		}
		String message;
		try {
			message = joiner.add(part.getPayload(), part.isLast());
		}
		catch (MessageTooBigException ex) {
			logger.info("Closing session " + session.getId() + " with 1009: " + ex.getMessage());
			session.close(CloseStatus.TOO_BIG_TO_PROCESS);
			return;
		}
		if (message != null) {
			this.protocol.received(hubSession, message);
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

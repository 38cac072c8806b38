package dev.realtime.hub;

import java.nio.charset.StandardCharsets;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;

/**
 * The frame limit on the SockJS endpoint: a WebSocket container refuses a text message
 * above its buffer size with 1009, a SockJS session would pass any size on. A larger
 * message closes the session with 1009 (message too big) before the hub sees it.
 */
final class HubSockJsFrameLimit extends WebSocketHandlerDecorator {

	private static final Log logger = LogFactory.getLog(HubSockJsFrameLimit.class);

	private final int maxFrameSize;

	HubSockJsFrameLimit(WebSocketHandler delegate, int maxFrameSize) {
		super(delegate);
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
		if (message instanceof TextMessage text && (long) text.getPayloadLength() * 3 > this.maxFrameSize
				&& text.getPayload().getBytes(StandardCharsets.UTF_8).length > this.maxFrameSize) {
			logger.info("Closing SockJS session " + session.getId() + " with 1009: a message above the frame limit of "
					+ this.maxFrameSize + " bytes");
			session.close(CloseStatus.TOO_BIG_TO_PROCESS);
			return;
		}
		super.handleMessage(session, message);
	}

}

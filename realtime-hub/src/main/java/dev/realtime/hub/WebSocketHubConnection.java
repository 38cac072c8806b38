package dev.realtime.hub;

import java.io.IOException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;

/**
 * A connection over a Spring {@link WebSocketSession}, made thread-safe by the caller (a
 * {@link org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator}).
 */
final class WebSocketHubConnection implements HubConnection {

	private static final Log logger = LogFactory.getLog(WebSocketHubConnection.class);

	private final WebSocketSession session;

	WebSocketHubConnection(WebSocketSession session) {
		this.session = session;
	}

	@Override
	public String id() {
		return this.session.getId();
	}

	@Override
	public boolean isOpen() {
		return this.session.isOpen();
	}

	@Override
	public void sendText(String text) throws IOException {
		this.session.sendMessage(new TextMessage(text));
	}

	@Override
	public void close(int code, String reason) {
		try {
			this.session.close(new CloseStatus(code, reason));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Closing session " + id() + " failed", ex);
		}
	}

}

package dev.realtime.demo.hub;

import java.io.IOException;
import java.util.Map;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.transport.NamespaceClient;

/**
 * A connection over a Socket.IO socket: each protocol message is the string argument of a
 * {@value HubSocketIoServer#FRAME_EVENT} event; a close emits
 * {@value HubSocketIoServer#CLOSE_EVENT} with {@code {code, reason}} and then ends the
 * Engine.IO connection, after what was sent before.
 */
final class SocketIoHubConnection implements HubConnection {

	private final SocketIOClient client;

	private volatile boolean closed;

	SocketIoHubConnection(SocketIOClient client) {
		this.client = client;
	}

	@Override
	public String id() {
		return this.client.getSessionId().toString();
	}

	@Override
	public boolean isOpen() {
		return !this.closed && this.client.isChannelOpen();
	}

	@Override
	public synchronized void sendText(String text) throws IOException {
		if (!isOpen()) {
			throw new IOException("Socket.IO connection " + id() + " is closed");
		}
		this.client.sendEvent(HubSocketIoServer.FRAME_EVENT, text);
	}

	@Override
	public synchronized void close(int code, String reason) {
		if (this.closed) {
			return;
		}
		this.closed = true;
		this.client.sendEvent(HubSocketIoServer.CLOSE_EVENT, Map.of("code", code, "reason", reason));
		if (this.client instanceof NamespaceClient namespaceClient) {
			// the Engine.IO connection: its disconnect packet follows what was queued,
			// then the channel closes
			namespaceClient.getBaseClient().disconnect();
		}
		else {
			this.client.disconnect();
		}
	}

}

package dev.realtime.hub;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.corundumstudio.socketio.SocketIOClient;
import com.corundumstudio.socketio.transport.NamespaceClient;

/**
 * A connection over a Socket.IO socket: each protocol message is the string argument of a
 * {@value HubSocketIoServer#FRAME_EVENT} event; a close emits
 * {@value HubSocketIoServer#CLOSE_EVENT} with {@code {code, reason}} and then a
 * disconnect packet, after what was sent before; a client that has not ended the
 * connection two seconds later is cut off.
 */
final class SocketIoHubConnection implements HubConnection {

	/** How long a closed client has to end the connection itself. */
	private static final Duration LEAVE_TIME = Duration.ofSeconds(2);

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
		// a disconnect packet after the close event: the client then ends the connection
		// (closing the channel at once here could drop the queued close event)
		this.client.disconnect();
		if (this.client instanceof NamespaceClient namespaceClient) {
			// a client that does not leave is cut off
			CompletableFuture.delayedExecutor(LEAVE_TIME.toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
				if (this.client.isChannelOpen()) {
					namespaceClient.getBaseClient().disconnect();
				}
			});
		}
	}

}

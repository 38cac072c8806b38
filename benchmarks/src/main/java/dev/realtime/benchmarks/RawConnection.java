package dev.realtime.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.util.UUID;
import java.util.function.Consumer;

import jakarta.websocket.ClientEndpointConfig;
import jakarta.websocket.CloseReason;
import jakarta.websocket.ContainerProvider;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import jakarta.websocket.WebSocketContainer;
import org.jspecify.annotations.Nullable;

/**
 * A raw protocol connection over Tomcat's JSR-356 client, the container the starter uses,
 * with nothing of the starter: frames are built and read as plain strings.
 */
final class RawConnection implements AutoCloseable {

	private static final WebSocketContainer CONTAINER = container(1 << 20);

	/**
	 * For the rows with a thousand connections: Tomcat gives each session a receive
	 * buffer of this size (three times it in heap), and their frames are a few KiB, so
	 * the heap of the benchmark's JVM goes to the hub's side of the connections.
	 */
	private static final WebSocketContainer SMALL_BUFFERS = container(64 * 1024);

	private final Session session;

	private RawConnection(Session session) {
		this.session = session;
	}

	private static WebSocketContainer container(int bufferSize) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(bufferSize);
		return container;
	}

	/**
	 * Open a connection (without sending resume).
	 * @param hub the hub's endpoint
	 * @param clientId the client id
	 * @param onText receives every text message, on the container's thread
	 * @param onClose told when the connection closes
	 * @return the open connection
	 */
	static RawConnection open(URI hub, String clientId, Consumer<String> onText, Runnable onClose) {
		return open(hub, clientId, null, onText, onClose);
	}

	/**
	 * Open a connection (without sending resume) with a token, for a hub that checks it.
	 * @param hub the hub's endpoint
	 * @param clientId the client id; the user is {@code raw-} and its first 8 characters
	 * @param token the bearer token, sent as the {@code access_token} parameter, or
	 * {@code null} for none
	 * @param onText receives every text message, on the container's thread
	 * @param onClose told when the connection closes
	 * @return the open connection
	 */
	static RawConnection open(URI hub, String clientId, @Nullable String token, Consumer<String> onText,
			Runnable onClose) {
		return open(CONTAINER, hub, clientId, token, onText, onClose);
	}

	/**
	 * Open one of many connections (without sending resume): the same, with a receive
	 * buffer of 64 KiB.
	 * @param hub the hub's endpoint
	 * @param clientId the client id; the user is {@code raw-} and its first 8 characters
	 * @param token the bearer token, or {@code null} for none
	 * @param onText receives every text message, on the container's thread
	 * @param onClose told when the connection closes
	 * @return the open connection
	 */
	static RawConnection openOneOfMany(URI hub, String clientId, @Nullable String token, Consumer<String> onText,
			Runnable onClose) {
		return open(SMALL_BUFFERS, hub, clientId, token, onText, onClose);
	}

	private static RawConnection open(WebSocketContainer container, URI hub, String clientId, @Nullable String token,
			Consumer<String> onText, Runnable onClose) {
		URI uri = URI.create(hub + "?client_id=" + clientId + "&user_id=raw-" + clientId.substring(0, 8) + "&protocol=1"
				+ ((token != null) ? "&access_token=" + token : ""));
		Endpoint endpoint = new Endpoint() {

			@Override
			public void onOpen(Session session, EndpointConfig config) {
				session.addMessageHandler(String.class, (MessageHandler.Whole<String>) onText::accept);
			}

			@Override
			public void onClose(Session session, CloseReason closeReason) {
				onClose.run();
			}

		};
		try {
			return new RawConnection(
					container.connectToServer(endpoint, ClientEndpointConfig.Builder.create().build(), uri));
		}
		catch (DeploymentException | IOException ex) {
			throw new IllegalStateException("Raw connection to " + uri + " failed", ex);
		}
	}

	static String newClientId() {
		return UUID.randomUUID().toString();
	}

	/**
	 * Send a text message; one writer at a time.
	 * @param text the message
	 */
	synchronized void send(String text) {
		try {
			this.session.getBasicRemote().sendText(text);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Raw send failed", ex);
		}
	}

	@Override
	public void close() {
		try {
			this.session.close();
		}
		catch (IOException ex) {
			// gone already
		}
	}

	/**
	 * Read a numeric field of a frame the hub sent (its frames are flat and well known).
	 * @param text the frame
	 * @param field the field name
	 * @return the value, or -1 if absent
	 */
	static long longField(String text, String field) {
		String marker = "\"" + field + "\":";
		int at = text.indexOf(marker);
		if (at < 0) {
			return -1;
		}
		long value = 0;
		for (int i = at + marker.length(); i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				break;
			}
			value = value * 10 + (c - '0');
		}
		return value;
	}

}

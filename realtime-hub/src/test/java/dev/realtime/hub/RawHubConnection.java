package dev.realtime.hub;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;

/**
 * A plain WebSocket connection to the hub for tests that need to see and send exact
 * frames. Received batches are flattened into one queue of frames. Public for the demo
 * application's tests, which run the hub beside their client.
 */
public final class RawHubConnection implements AutoCloseable {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final FrameCodec codec = new FrameCodec();

	private final BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();

	private final BlockingQueue<String> texts = new LinkedBlockingQueue<>();

	private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();

	private final WebSocketSession session;

	private RawHubConnection(URI uri, String token) throws Exception {
		StandardWebSocketClient client = new StandardWebSocketClient();
		WebSocketHttpHeaders headers = new WebSocketHttpHeaders();
		headers.setBearerAuth(token);
		this.session = client.execute(new TextWebSocketHandler() {

			@Override
			protected void handleTextMessage(WebSocketSession session, TextMessage message) {
				RawHubConnection.this.texts.add(message.getPayload());
				RawHubConnection.this.frames.addAll(RawHubConnection.this.codec.decode(message.getPayload(), (ex) -> {
					throw ex;
				}));
			}

			@Override
			public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
				RawHubConnection.this.closed.complete(status);
			}

		}, headers, uri).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	public static RawHubConnection open(int port, String userId, String clientId, String token) throws Exception {
		return new RawHubConnection(URI.create(
				"ws://localhost:" + port + "/realtime?client_id=" + clientId + "&user_id=" + userId + "&protocol=1"),
				token);
	}

	public FrameCodec codec() {
		return this.codec;
	}

	public void send(String text) throws IOException {
		this.session.sendMessage(new TextMessage(text));
	}

	public void send(Frame... frames) throws IOException {
		send(this.codec.encodeAll(List.of(frames)));
	}

	/**
	 * Wait for the next frame, which must be of the given type.
	 */
	public <T extends Frame> T next(Class<T> type) throws InterruptedException {
		Frame frame = this.frames.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		if (frame == null) {
			throw new AssertionError("No frame within " + TIMEOUT);
		}
		if (!type.isInstance(frame)) {
			throw new AssertionError("Expected " + type.getSimpleName() + " but received " + frame);
		}
		return type.cast(frame);
	}

	/**
	 * Wait for the next text message as received (a batch stays one message).
	 */
	public String nextText() throws InterruptedException {
		String text = this.texts.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		if (text == null) {
			throw new AssertionError("No message within " + TIMEOUT);
		}
		return text;
	}

	public void skipTexts(int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			nextText();
		}
	}

	/**
	 * The HTTP status of a handshake: 101 when upgraded. A token starting with {@code ?}
	 * is sent as a query parameter instead of a header.
	 * @param port the hub's port
	 * @param user the user_id asked for
	 * @param token the token, {@code null} for none
	 * @param clientId the client_id, {@code null} for none
	 * @param protocol the protocol version asked for
	 * @return the status
	 */
	public static int handshakeStatus(int port, String user, @Nullable String token, @Nullable String clientId,
			String protocol) {
		StringBuilder uri = new StringBuilder("ws://localhost:" + port + "/realtime?user_id=")
			.append(user.replace(" ", "%20"))
			.append("&protocol=")
			.append(protocol);
		if (clientId != null) {
			uri.append("&client_id=").append(clientId);
		}
		WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
		if (token != null && token.startsWith("?")) {
			uri.append("&").append(token.substring(1));
		}
		else if (token != null) {
			builder.header("Authorization", "Bearer " + token);
		}
		try {
			WebSocket socket = builder.buildAsync(URI.create(uri.toString()), new WebSocket.Listener() {
			}).get(10, TimeUnit.SECONDS);
			socket.abort();
			return 101;
		}
		catch (Exception ex) {
			for (Throwable cause = ex; cause != null; cause = cause.getCause()) {
				if (cause instanceof WebSocketHandshakeException handshake) {
					return handshake.getResponse().statusCode();
				}
			}
			throw new AssertionError("Handshake failed without an HTTP status", ex);
		}
	}

	public CloseStatus awaitClose() throws Exception {
		return this.closed.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
	}

	@Override
	public void close() throws IOException {
		if (this.session.isOpen()) {
			this.session.close();
		}
	}

}

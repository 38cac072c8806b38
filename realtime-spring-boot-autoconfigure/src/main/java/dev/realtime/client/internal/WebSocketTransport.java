package dev.realtime.client.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import jakarta.websocket.ContainerProvider;
import jakarta.websocket.WebSocketContainer;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.client.standard.StandardWebSocketClient;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameSizes;

/**
 * The WebSocket transport, over Spring's {@link StandardWebSocketClient} and the JSR-356
 * container on the classpath (Tomcat's by default). For {@code wss://} the hub's
 * certificate and host name are always verified, against the JVM's trust store or a given
 * {@link SSLContext}.
 */
public final class WebSocketTransport implements Transport {

	private static final Log logger = LogFactory.getLog(WebSocketTransport.class);

	/** Tomcat's user property for the handshake's I/O timeout. */
	private static final String TOMCAT_IO_TIMEOUT = "org.apache.tomcat.websocket.IO_TIMEOUT_MS";

	/** How Tomcat (and other containers) name the HTTP status of a refused upgrade. */
	private static final Pattern REFUSED_STATUS = Pattern
		.compile("(?:response code|from the server|Status Code) \\[(\\d{3})]");

	/**
	 * Characters of a text message the container buffers per connection; a longer message
	 * is delivered in parts of this size.
	 */
	static final int TEXT_BUFFER_CHARS = 1024;

	private final StandardWebSocketClient client;

	private final int maxMessageSize;

	private final Executor closer;

	/**
	 * Create a transport.
	 * @param maxMessageSize the largest text message accepted, in bytes (the protocol's
	 * frame limit; containers default to 8 KiB)
	 * @param handshakeTimeout how long the handshake may take
	 * @param closer runs closes, so that a peer that stopped reading never blocks the
	 * caller
	 */
	public WebSocketTransport(int maxMessageSize, Duration handshakeTimeout, Executor closer) {
		this(maxMessageSize, handshakeTimeout, closer, null);
	}

	/**
	 * Create a transport with its own trust material for {@code wss://}.
	 * @param maxMessageSize the largest text message accepted, in bytes (the protocol's
	 * frame limit; containers default to 8 KiB)
	 * @param handshakeTimeout how long the handshake may take
	 * @param closer runs closes, so that a peer that stopped reading never blocks the
	 * caller
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code wss://}, or {@code null} for the JVM's defaults; host names are verified
	 * either way
	 */
	public WebSocketTransport(int maxMessageSize, Duration handshakeTimeout, Executor closer,
			@Nullable SSLContext sslContext) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		// the container's buffer is per connection (Tomcat allocates it when the session
		// opens): a small one, and larger messages arrive in parts the handler joins
		container.setDefaultMaxTextMessageBufferSize(Math.min(maxMessageSize, TEXT_BUFFER_CHARS));
		this.maxMessageSize = maxMessageSize;
		this.client = new StandardWebSocketClient(container);
		this.client.getUserProperties().put(TOMCAT_IO_TIMEOUT, String.valueOf(handshakeTimeout.toMillis()));
		if (sslContext != null) {
			this.client.setSslContext(sslContext);
		}
		this.closer = closer;
	}

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		WebSocketHttpHeaders httpHeaders = new WebSocketHttpHeaders();
		headers.forEach(httpHeaders::set);
		return this.client.execute(new Handler(listener, this.maxMessageSize), httpHeaders, uri)
			.handle((session, failure) -> {
				if (failure != null) {
					throw asConnectFailure(uri, failure);
				}
				return new Session(session, this.closer);
			});
	}

	private static RuntimeException asConnectFailure(URI uri, Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLException) {
				return new IllegalStateException("TLS handshake with " + uri.getHost() + ":" + uri.getPort()
						+ " failed (" + cause.getMessage() + "). The hub's certificate must be trusted and name "
						+ "that host; to trust a private CA or present a client certificate, configure a Spring "
						+ "Boot SSL bundle (spring.ssl.bundle.*) and name it in realtime.ssl.bundle", failure);
			}
			Matcher matcher = (cause.getMessage() != null) ? REFUSED_STATUS.matcher(cause.getMessage()) : null;
			if (matcher != null && matcher.find()) {
				return new HandshakeRejectedException(Integer.parseInt(matcher.group(1)), failure);
			}
		}
		return (failure instanceof RuntimeException runtime) ? runtime : new IllegalStateException(failure);
	}

	/**
	 * Passes each text message to the listener, joining the parts the container delivers
	 * a long message in. A message longer than the limit closes the connection with 1009
	 * (message too big), as the container does when its buffer is the limit; its parts
	 * are never held beyond the limit.
	 */
	private static final class Handler extends TextWebSocketHandler {

		private final TransportListener listener;

		private final int maxMessageSize;

		/** The parts of the message under way, {@code null} between messages. */
		private @Nullable StringBuilder message;

		/** UTF-8 bytes of the message under way. */
		private long messageBytes;

		/** Whether the last part ended with the first half of a surrogate pair. */
		private boolean splitSurrogate;

		/** Whether the message under way is too big, and its remaining parts dropped. */
		private boolean tooBig;

		Handler(TransportListener listener, int maxMessageSize) {
			this.listener = listener;
			this.maxMessageSize = maxMessageSize;
		}

		@Override
		public boolean supportsPartialMessages() {
			return true;
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage part) throws IOException {
			String text = part.getPayload();
			boolean last = part.isLast();
			if (this.tooBig) {
				this.tooBig = !last;
				return;
			}
			if (this.message == null && last && (long) text.length() * 3 <= this.maxMessageSize) {
				// a whole message that fits: the common case, no copy
				this.listener.onText(text);
				return;
			}
			this.messageBytes += FrameSizes.utf8Length(text);
			if (this.splitSurrogate && !text.isEmpty() && Character.isLowSurrogate(text.charAt(0))) {
				// a pair split between two parts: four bytes, counted as two lone ones
				this.messageBytes += 2;
			}
			this.splitSurrogate = !text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1));
			if (this.messageBytes > this.maxMessageSize) {
				long bytes = this.messageBytes;
				reset();
				this.tooBig = !last;
				logger.debug("Closing the connection: the hub sent a text message of more than " + bytes
						+ " bytes, the limit is " + this.maxMessageSize);
				session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big"));
				return;
			}
			StringBuilder joined = this.message;
			if (last) {
				String whole = (joined != null) ? joined.append(text).toString() : text;
				reset();
				this.listener.onText(whole);
				return;
			}
			if (joined == null) {
				joined = new StringBuilder(text.length() * 2);
				this.message = joined;
			}
			joined.append(text);
		}

		private void reset() {
			this.message = null;
			this.messageBytes = 0;
			this.splitSurrogate = false;
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			logger.debug("WebSocket transport error", exception);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			reset();
			this.listener.onClosed(status.getCode(), (status.getReason() != null) ? status.getReason() : "");
		}

	}

	private static final class Session implements TransportSession {

		private final WebSocketSession session;

		private final Executor closer;

		Session(WebSocketSession session, Executor closer) {
			this.session = session;
			this.closer = closer;
		}

		@Override
		public String transport() {
			return "websocket";
		}

		@Override
		public void send(String text) throws IOException {
			// WebSocketSession.sendMessage is not thread-safe: one writer at a time
			synchronized (this.session) {
				this.session.sendMessage(new TextMessage(text));
			}
		}

		@Override
		public void close(int code, String reason) {
			this.closer.execute(() -> {
				try {
					this.session.close(new CloseStatus(code, truncate(reason)));
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("Closing WebSocket session failed", ex);
				}
			});
		}

		private static @Nullable String truncate(String reason) {
			// a close reason must fit in 123 bytes
			return (reason.length() > 60) ? reason.substring(0, 60) : reason;
		}

	}

}

package dev.realtime.transport.websocket;

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
import dev.realtime.protocol.TextMessageJoiner;
import dev.realtime.protocol.TextMessageJoiner.MessageTooBigException;
import dev.realtime.transport.ConnectionLoss;
import dev.realtime.transport.OrderedWriter;
import dev.realtime.transport.TlsHandshakeFailure;
import dev.realtime.transport.TransportProxy;

/**
 * The WebSocket transport, over Spring's {@link StandardWebSocketClient} and the JSR-356
 * container on the classpath (Tomcat's by default). For {@code wss://} the hub's
 * certificate and host name are always verified, against the JVM's trust store or a given
 * {@link SSLContext}.
 * <p>
 * Through an HTTP proxy the connection is tunnelled with {@code CONNECT}. Tomcat's client
 * only asks the JVM-wide {@link java.net.ProxySelector}: a configured proxy is therefore
 * entered there for the hub's host and port alone (see
 * {@link TransportProxy#openJvmRoutes()}), and released by {@link #close()}. Proxy
 * credentials answer the proxy's challenge (basic or digest).
 */
public final class WebSocketTransport implements Transport, AutoCloseable {

	private static final Log logger = LogFactory.getLog(WebSocketTransport.class);

	/** Tomcat's user property for the handshake's I/O timeout. */
	private static final String TOMCAT_IO_TIMEOUT = "org.apache.tomcat.websocket.IO_TIMEOUT_MS";

	/** Tomcat's user property for the timeout of a write. */
	private static final String TOMCAT_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

	/** Tomcat's user properties for the proxy's credentials. */
	private static final String TOMCAT_PROXY_USER = "org.apache.tomcat.websocket.WS_AUTHENTICATION_PROXY_USER_NAME";

	private static final String TOMCAT_PROXY_PASSWORD = "org.apache.tomcat.websocket.WS_AUTHENTICATION_PROXY_PASSWORD";

	/** How Tomcat names a proxy that refused the tunnel. */
	private static final Pattern PROXY_REFUSED = Pattern
		.compile("configured Proxy \\[.*]\\. The HTTP response code was \\[(\\d{3})]");

	/**
	 * How Tomcat names a proxy that refused the credentials, or asked for missing ones.
	 */
	private static final Pattern PROXY_AUTH = Pattern
		.compile("response code \\[407]|Proxy-Authenticate|No (user name|password) was provided");

	/** How Tomcat (and other containers) name the HTTP status of a refused upgrade. */
	private static final Pattern REFUSED_STATUS = Pattern
		.compile("(?:response code|from the server|Status Code) \\[(\\d{3})]");

	/**
	 * Characters of a text message the container buffers per connection; a longer message
	 * is delivered in parts of this size.
	 */
	static final int TEXT_BUFFER_CHARS = 1024;

	/**
	 * Longest time a write may wait for the hub to read: then the connection is given up.
	 */
	static final Duration WRITE_TIMEOUT = OrderedWriter.STALL_TIMEOUT;

	private final StandardWebSocketClient client;

	private final int maxMessageSize;

	private final Executor io;

	private final TransportProxy proxy;

	private final TransportProxy.Routes proxyRoutes;

	/**
	 * Create a transport.
	 * @param maxMessageSize the largest text message accepted, in bytes (the protocol's
	 * frame limit; containers default to 8 KiB)
	 * @param handshakeTimeout how long the handshake may take
	 * @param io writes and closes connections, so that a peer that stops reading never
	 * blocks the caller; a write waits at most {@link #WRITE_TIMEOUT}
	 */
	public WebSocketTransport(int maxMessageSize, Duration handshakeTimeout, Executor io) {
		this(maxMessageSize, handshakeTimeout, io, null);
	}

	/**
	 * Create a transport with its own trust material for {@code wss://}.
	 * @param maxMessageSize the largest text message accepted, in bytes (the protocol's
	 * frame limit; containers default to 8 KiB)
	 * @param handshakeTimeout how long the handshake may take
	 * @param io writes and closes connections, so that a peer that stops reading never
	 * blocks the caller; a write waits at most {@link #WRITE_TIMEOUT}
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code wss://}, or {@code null} for the JVM's defaults; host names are verified
	 * either way
	 */
	public WebSocketTransport(int maxMessageSize, Duration handshakeTimeout, Executor io,
			@Nullable SSLContext sslContext) {
		this(maxMessageSize, handshakeTimeout, io, sslContext, TransportProxy.jvm());
	}

	/**
	 * Create a transport with its own trust material and proxy.
	 * @param maxMessageSize the largest text message accepted, in bytes (the protocol's
	 * frame limit; containers default to 8 KiB)
	 * @param handshakeTimeout how long the handshake may take
	 * @param io writes and closes connections, so that a peer that stops reading never
	 * blocks the caller; a write waits at most {@link #WRITE_TIMEOUT}
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code wss://}, or {@code null} for the JVM's defaults; host names are verified
	 * either way
	 * @param proxy the HTTP proxy to tunnel through, or the JVM's proxy settings
	 */
	public WebSocketTransport(int maxMessageSize, Duration handshakeTimeout, Executor io,
			@Nullable SSLContext sslContext, TransportProxy proxy) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		// the container's buffer is per connection (Tomcat allocates it when the session
		// opens): a small one, and larger messages arrive in parts the handler joins
		container.setDefaultMaxTextMessageBufferSize(Math.min(maxMessageSize, TEXT_BUFFER_CHARS));
		this.maxMessageSize = maxMessageSize;
		this.client = new StandardWebSocketClient(container);
		this.client.getUserProperties().put(TOMCAT_IO_TIMEOUT, String.valueOf(handshakeTimeout.toMillis()));
		this.client.getUserProperties().put(TOMCAT_SEND_TIMEOUT, WRITE_TIMEOUT.toMillis());
		if (sslContext != null) {
			this.client.setSslContext(sslContext);
		}
		this.io = io;
		this.proxy = proxy;
		this.proxyRoutes = proxy.openJvmRoutes();
		if (proxy.username() != null && proxy.password() != null) {
			this.client.getUserProperties().put(TOMCAT_PROXY_USER, proxy.username());
			this.client.getUserProperties().put(TOMCAT_PROXY_PASSWORD, proxy.password());
		}
	}

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		WebSocketHttpHeaders httpHeaders = new WebSocketHttpHeaders();
		headers.forEach(httpHeaders::set);
		this.proxyRoutes.add(uri);
		Handler handler = new Handler(listener, uri, this.maxMessageSize);
		return this.client.execute(handler, httpHeaders, uri).handle((session, failure) -> {
			if (failure != null) {
				throw asConnectFailure(uri, failure, this.proxy);
			}
			Session opened = new Session(session, handler, this.io, this.maxMessageSize);
			handler.writer = opened.writer;
			return opened;
		});
	}

	/**
	 * Release the hub's route through the configured proxy.
	 */
	@Override
	public void close() {
		this.proxyRoutes.close();
	}

	private static RuntimeException asConnectFailure(URI uri, Throwable failure, TransportProxy proxy) {
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			String message = (cause.getMessage() != null) ? cause.getMessage() : "";
			if (PROXY_AUTH.matcher(message).find()) {
				return new IllegalStateException("The " + proxy + " refused the WebSocket tunnel to " + uri.getHost()
						+ ":" + uri.getPort() + " with HTTP 407 (proxy authentication required): "
						+ ((proxy.username() != null) ? "check" : "set")
						+ " realtime.proxy.username and realtime.proxy.password", failure);
			}
			Matcher refused = PROXY_REFUSED.matcher(message);
			if (refused.find()) {
				return new IllegalStateException("The " + proxy + " refused the WebSocket tunnel (CONNECT) to "
						+ uri.getHost() + ":" + uri.getPort() + " with HTTP " + refused.group(1), failure);
			}
			if (cause instanceof SSLException handshake) {
				return TlsHandshakeFailure.of(uri, handshake, failure);
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

		private final URI uri;

		/** What broke the connection, if the container reported it. */
		private volatile @Nullable Throwable error;

		/** Whether the client closed the connection: its end is no loss. */
		private volatile boolean closing;

		/** Joins the parts the container delivers a long message in. */
		private final TextMessageJoiner joiner;

		/** The open connection's writer, which knows when the hub stopped reading. */
		volatile @Nullable OrderedWriter writer;

		Handler(TransportListener listener, URI uri, int maxMessageSize) {
			this.listener = listener;
			this.uri = uri;
			this.joiner = new TextMessageJoiner(maxMessageSize);
		}

		@Override
		public boolean supportsPartialMessages() {
			return true;
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage part) throws IOException {
			String message;
			try {
				message = this.joiner.add(part.getPayload(), part.isLast());
			}
			catch (MessageTooBigException ex) {
				logger.debug("Closing the connection: the hub sent " + ex.getMessage());
				session.close(CloseStatus.TOO_BIG_TO_PROCESS.withReason("message too big"));
				return;
			}
			if (message != null) {
				this.listener.onText(message);
			}
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			// logged with the close: one line, the trace at DEBUG
			this.error = exception;
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			// a write the hub did not take makes the container close the connection
			// itself: say why
			OrderedWriter current = this.writer;
			String stall = (current != null) ? current.stall() : null;
			String reason = (stall != null) ? stall : status.getReason();
			if (status.getCode() == CloseStatus.NO_CLOSE_FRAME.getCode() && !this.closing) {
				Throwable cause = this.error;
				String lost = (stall == null && cause != null) ? ConnectionLoss.describe(cause) : reason;
				ConnectionLoss.log(logger, "websocket", this.uri,
						(lost != null && !lost.isEmpty()) ? lost : "no close frame from the hub", cause);
			}
			this.listener.onClosed(Transport.fromHub(status.getCode()), (reason != null) ? reason : "");
		}

	}

	/**
	 * An open connection. Sends never block the caller (the event loop many clients
	 * share): each message is queued and written in order by a task on the transport's
	 * executor, which is the one to wait when the hub reads slowly (the container's
	 * writes block, asynchronous ones included). Once more than
	 * {@link OrderedWriter#QUEUED_FRAME_LIMITS} frame limits of text wait, at-most-once
	 * events are dropped; a write the hub does not take within {@link #WRITE_TIMEOUT}
	 * fails, and a failed write fails every send after it and closes the connection.
	 */
	private static final class Session implements TransportSession {

		private final WebSocketSession session;

		private final Handler handler;

		private final Executor executor;

		private final OrderedWriter writer;

		Session(WebSocketSession session, Handler handler, Executor executor, int maxMessageSize) {
			this.session = session;
			this.handler = handler;
			this.executor = executor;
			this.writer = new OrderedWriter(executor, maxMessageSize,
					(text) -> session.sendMessage(new TextMessage(text)), (failure) -> {
						ConnectionLoss.log(logger, "websocket", handler.uri,
								"write failed: " + ConnectionLoss.describe(failure), failure);
						close(CloseStatus.SESSION_NOT_RELIABLE.getCode(), String.valueOf(failure.getMessage()));
					});
		}

		@Override
		public String transport() {
			return "websocket";
		}

		@Override
		public void send(String text) throws IOException {
			this.writer.send(text);
		}

		@Override
		public boolean offer(String text) throws IOException {
			return this.writer.offer(text);
		}

		@Override
		public void close(int code, String reason) {
			this.handler.closing = true;
			this.executor.execute(() -> {
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

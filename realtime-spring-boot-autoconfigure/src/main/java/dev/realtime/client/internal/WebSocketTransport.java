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

	private final StandardWebSocketClient client;

	private final Executor closer;

	private final TransportProxy proxy;

	private final TransportProxy.Routes proxyRoutes;

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
		this(maxMessageSize, handshakeTimeout, closer, sslContext, TransportProxy.jvm());
	}

	/**
	 * Create a transport with its own trust material and proxy.
	 * @param maxMessageSize the largest text message accepted, in bytes (the protocol's
	 * frame limit; containers default to 8 KiB)
	 * @param handshakeTimeout how long the handshake may take
	 * @param closer runs closes, so that a peer that stopped reading never blocks the
	 * caller
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code wss://}, or {@code null} for the JVM's defaults; host names are verified
	 * either way
	 * @param proxy the HTTP proxy to tunnel through, or the JVM's proxy settings
	 */
	public WebSocketTransport(int maxMessageSize, Duration handshakeTimeout, Executor closer,
			@Nullable SSLContext sslContext, TransportProxy proxy) {
		WebSocketContainer container = ContainerProvider.getWebSocketContainer();
		container.setDefaultMaxTextMessageBufferSize(maxMessageSize);
		this.client = new StandardWebSocketClient(container);
		this.client.getUserProperties().put(TOMCAT_IO_TIMEOUT, String.valueOf(handshakeTimeout.toMillis()));
		if (sslContext != null) {
			this.client.setSslContext(sslContext);
		}
		this.closer = closer;
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
		return this.client.execute(new Handler(listener), httpHeaders, uri).handle((session, failure) -> {
			if (failure != null) {
				throw asConnectFailure(uri, failure, this.proxy);
			}
			return new Session(session, this.closer);
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

	private static final class Handler extends TextWebSocketHandler {

		private final TransportListener listener;

		Handler(TransportListener listener) {
			this.listener = listener;
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			this.listener.onText(message.getPayload());
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			logger.debug("WebSocket transport error", exception);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
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

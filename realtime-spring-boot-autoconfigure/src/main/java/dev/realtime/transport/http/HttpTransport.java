package dev.realtime.transport.http;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLContext;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.client.HttpStatusCodeException;
import org.springframework.web.client.RestClient;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHttpHeaders;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.sockjs.client.RestClientXhrTransport;
import org.springframework.web.socket.sockjs.client.SockJsClient;

import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.transport.ConnectionLoss;
import dev.realtime.transport.OrderedWriter;
import dev.realtime.transport.TlsHandshakeFailure;
import dev.realtime.transport.TransportProxy;

/**
 * The HTTP transport: the protocol's text frames, unchanged, over SockJS with Spring's
 * {@link SockJsClient} restricted to HTTP ({@link RestClientXhrTransport}: XHR streaming,
 * then XHR polling if streaming fails), on Apache HttpClient 5 (HTTP/1.1, see
 * {@link HttpTransportClient} for why not the JDK's client). For networks whose proxies
 * or firewalls refuse WebSocket upgrades.
 * <ul>
 * <li>Through an HTTP proxy with credentials (Basic or Digest) to {@code http://} and to
 * {@code https://} hubs, whose {@code CONNECT} tunnel is authenticated too; a refusal of
 * the proxy (HTTP 407) fails the connect with a message naming it, never the
 * password.</li>
 * <li>Every request (SockJS info, receive and send) carries the handshake headers, so the
 * token goes in the {@code Authorization} header of each; a refused token (HTTP 401 or
 * 403) completes the connect with {@link HandshakeRejectedException}, as on
 * WebSocket.</li>
 * <li>Frames sent to the hub keep their order: one send request at a time per session,
 * each answered by the hub after it handled the frame.</li>
 * <li>A text message larger than the frame limit closes the session with 1009, as the
 * WebSocket container does.</li>
 * <li>Closing a session ends its receive request at once (the hub notices the session is
 * gone after its disconnect delay) instead of waiting for the hub's next heartbeat.</li>
 * <li>A hub that serves XHR polling only (XHR streaming answered with 404) is polled in
 * the same SockJS session at once, not through SockJS's fallback to the next transport,
 * which logs the refusal as an ERROR with its stack trace.</li>
 * </ul>
 * The SockJS endpoint is {@code realtime.http.url}, or derived from the WebSocket URL
 * (see {@link #endpoint(URI, URI)}).
 */
public final class HttpTransport implements Transport {

	private static final Log logger = LogFactory.getLog(HttpTransport.class);

	/** What the path of a WebSocket URL gets to name the hub's SockJS endpoint. */
	public static final String DERIVED_PATH_SUFFIX = "-sockjs";

	/**
	 * Escaping in SockJS frames (JSON strings in a JSON array) can grow a message six
	 * times.
	 */
	private static final int FRAME_ESCAPE_FACTOR = 6;

	private static final int FRAME_OVERHEAD = 64;

	private final RestClient restClient;

	private final @Nullable URI httpUrl;

	private final int maxMessageSize;

	private final Executor executor;

	/**
	 * Whether the hub answered XHR streaming with 404: later connects ask for XHR polling
	 * at once.
	 */
	private volatile boolean streamingRefused;

	/**
	 * Create a transport.
	 * @param httpUrl the hub's SockJS endpoint ({@code http} or {@code https}), or
	 * {@code null} to derive it from the WebSocket URL of each connect
	 * @param maxMessageSize the largest text message accepted, in bytes of UTF-8 (the
	 * protocol's frame limit)
	 * @param connectTimeout how long opening a TCP connection may take
	 * @param executor runs the blocking parts of a connect (the SockJS info request) and
	 * closes; each session's receive loop runs on a thread of its own
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code https}, or {@code null} for the JVM's defaults
	 * @param proxy the HTTP proxy and its credentials, or the JVM's proxy settings
	 */
	public HttpTransport(@Nullable URI httpUrl, int maxMessageSize, Duration connectTimeout, Executor executor,
			@Nullable SSLContext sslContext, TransportProxy proxy) {
		if (httpUrl != null) {
			requireHttp(httpUrl);
		}
		this.httpUrl = httpUrl;
		this.maxMessageSize = maxMessageSize;
		this.executor = executor;
		this.restClient = RestClient.builder()
			.requestFactory(HttpTransportClient.requestFactory(connectTimeout, sslContext, proxy))
			.build();
	}

	/**
	 * The hub's SockJS endpoint for a connect: the configured HTTP URL, or the WebSocket
	 * URL with {@code http(s)} for {@code ws(s)} and {@value #DERIVED_PATH_SUFFIX}
	 * appended to its path ({@code ws://host/realtime} becomes
	 * {@code http://host/realtime-sockjs}); the query (the protocol's parameters) is kept
	 * either way.
	 * @param httpUrl the configured SockJS endpoint, or {@code null}
	 * @param webSocketUri the WebSocket URL of the connect, with its query
	 * @return the SockJS endpoint with the query
	 * @throws IllegalArgumentException if the WebSocket URL has no path to derive from
	 */
	public static URI endpoint(@Nullable URI httpUrl, URI webSocketUri) {
		String query = webSocketUri.getRawQuery();
		if (httpUrl != null) {
			String base = httpUrl.toString();
			return URI.create((query != null) ? base + (base.contains("?") ? "&" : "?") + query : base);
		}
		String scheme = webSocketUri.getScheme();
		String path = webSocketUri.getRawPath();
		if (path == null || path.isEmpty() || "/".equals(path)) {
			throw new IllegalArgumentException("Cannot derive the hub's SockJS endpoint from " + webSocketUri
					+ " (no path): set realtime.http.url, for example http://host/realtime-sockjs");
		}
		if (path.endsWith("/")) {
			path = path.substring(0, path.length() - 1);
		}
		String httpScheme = ("wss".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) ? "https" : "http";
		return URI.create(httpScheme + "://" + webSocketUri.getRawAuthority() + path + DERIVED_PATH_SUFFIX
				+ ((query != null) ? "?" + query : ""));
	}

	/**
	 * Check a configured SockJS endpoint.
	 * @param httpUrl the endpoint
	 * @throws IllegalArgumentException if it is not an absolute {@code http} or
	 * {@code https} URL with a host
	 */
	public static void requireHttp(URI httpUrl) {
		String scheme = httpUrl.getScheme();
		if (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || httpUrl.getHost() == null) {
			throw new IllegalArgumentException("must be an http:// or https:// URL of the hub's SockJS endpoint, "
					+ "for example http://localhost:8080/realtime-sockjs");
		}
	}

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		CompletableFuture<TransportSession> result = new CompletableFuture<>();
		URI endpoint;
		try {
			endpoint = endpoint(this.httpUrl, uri);
		}
		catch (IllegalArgumentException ex) {
			result.completeExceptionally(ex);
			return result;
		}
		Attempt attempt = new Attempt(listener, endpoint);
		WebSocketHttpHeaders httpHeaders = new WebSocketHttpHeaders();
		headers.forEach(httpHeaders::set);
		RestClientXhrTransport xhr = new RestClientXhrTransport(
				this.restClient.mutate().requestInterceptor(attempt.receives).build());
		xhr.setTaskExecutor(attempt.receives);
		xhr.setXhrStreamingDisabled(this.streamingRefused);
		SockJsClient sockJs = new SockJsClient(List.of(xhr));
		// the info request blocks: never on the caller's thread
		this.executor.execute(() -> attempt
			.run(() -> sockJs.execute(attempt.handler, httpHeaders, endpoint).whenComplete((session, failure) -> {
				if (failure != null) {
					result.completeExceptionally(asConnectFailure(endpoint, failure));
				}
				else if (!result.complete(new Session(session, attempt, this.executor, this.maxMessageSize))) {
					// the caller gave up meanwhile
					attempt.close(session, CloseStatus.NORMAL);
				}
			})));
		result.whenComplete((session, failure) -> {
			if (failure != null) {
				attempt.abandon();
			}
		});
		return result;
	}

	private static RuntimeException asConnectFailure(URI endpoint, Throwable failure) {
		IllegalStateException tls = TlsHandshakeFailure.find(endpoint, failure);
		if (tls != null) {
			return tls;
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof HttpStatusCodeException refused) {
				int status = refused.getStatusCode().value();
				if (status == 404) {
					return new IllegalStateException(
							"No SockJS endpoint at " + withoutQuery(endpoint)
									+ " (HTTP 404): the hub must serve SockJS there, or set realtime.http.url",
							failure);
				}
				if (status == 407) {
					return new IllegalStateException("The HTTP proxy refused the request to " + withoutQuery(endpoint)
							+ " with HTTP 407 (proxy authentication required): check realtime.proxy.username "
							+ "and realtime.proxy.password", failure);
				}
				return new HandshakeRejectedException(status, failure);
			}
		}
		return (failure instanceof RuntimeException runtime) ? runtime : new IllegalStateException(failure);
	}

	private static String withoutQuery(URI uri) {
		String text = uri.toString();
		int query = text.indexOf('?');
		return (query >= 0) ? text.substring(0, query) : text;
	}

	private int utf8Length(String text) {
		// a cheap bound first: most messages are far below the limit
		if ((long) text.length() * 3 <= this.maxMessageSize) {
			return text.length();
		}
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	/**
	 * One connect: its SockJS handler, its receive requests and the thread doing the
	 * blocking part of the connect.
	 */
	private final class Attempt {

		private final Handler handler;

		private final SockJsReceives receives;

		private final AtomicReference<@Nullable Thread> connecting = new AtomicReference<>();

		Attempt(TransportListener listener, URI endpoint) {
			this.handler = new Handler(listener, endpoint);
			this.receives = new SockJsReceives(
					(long) HttpTransport.this.maxMessageSize * FRAME_ESCAPE_FACTOR + FRAME_OVERHEAD, this.handler,
					() -> HttpTransport.this.streamingRefused = true);
		}

		void run(Runnable connect) {
			this.connecting.set(Thread.currentThread());
			try {
				connect.run();
			}
			finally {
				this.connecting.set(null);
				// a pending interrupt from abandon() must not leak into the pool
				Thread.interrupted();
			}
		}

		/**
		 * The caller gave up on the connect (timed out): stop the info request and the
		 * receive requests.
		 */
		void abandon() {
			this.handler.reported.set(true);
			this.receives.abort();
			Thread thread = this.connecting.get();
			if (thread != null) {
				thread.interrupt();
			}
		}

		void close(WebSocketSession session, CloseStatus status) {
			this.handler.reported.set(true);
			try {
				session.close(status);
			}
			catch (IOException | RuntimeException ex) {
				logger.debug("Closing SockJS session failed", ex);
			}
			// after the session is closing: its receive loop ends instead of polling
			// again
			this.receives.abort();
		}

	}

	/**
	 * Hands what arrives to the listener and reports the close once.
	 */
	private final class Handler extends TextWebSocketHandler implements SockJsReceives.Connection {

		private final TransportListener listener;

		private final URI endpoint;

		private final AtomicBoolean reported = new AtomicBoolean();

		private volatile @Nullable WebSocketSession session;

		Handler(TransportListener listener, URI endpoint) {
			this.listener = listener;
			this.endpoint = endpoint;
		}

		/**
		 * Whether the session opened: from then on the failure of a request is a lost
		 * session, before it the failure of the connect.
		 * @return whether the session opened
		 */
		@Override
		public boolean opened() {
			return this.session != null;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			this.session = session;
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) {
			String text = message.getPayload();
			if (utf8Length(text) > HttpTransport.this.maxMessageSize) {
				tooBig("message of " + utf8Length(text) + " bytes");
				return;
			}
			if (!this.reported.get()) {
				this.listener.onText(text);
			}
		}

		/**
		 * The hub sent more than the frame limit: close as a WebSocket container does.
		 * @param what what was too big
		 */
		@Override
		public void tooBig(String what) {
			logger.warn("Closing the HTTP session: the hub sent a " + what + ", above the frame limit of "
					+ HttpTransport.this.maxMessageSize + " bytes (realtime.max-frame-size)");
			report(CloseStatus.TOO_BIG_TO_PROCESS.getCode(), "message too big");
			closeSession();
		}

		/**
		 * A request of the open session failed (the hub went away, the network dropped
		 * the connection): log it once as a lost connection, report the close with 1006
		 * and end the session, so that SockJS's receive loop stops without a transport
		 * error of its own (which it logs as an ERROR with the stack trace).
		 * @param cause what failed
		 */
		@Override
		public void lost(Throwable cause) {
			if (this.reported.compareAndSet(false, true)) {
				ConnectionLoss.log(logger, "http", this.endpoint, cause);
				this.listener.onClosed(CloseStatus.NO_CLOSE_FRAME.getCode(), ConnectionLoss.describe(cause));
			}
			closeSession();
		}

		private void closeSession() {
			WebSocketSession current = this.session;
			if (current != null && current.isOpen()) {
				try {
					current.close(CloseStatus.NORMAL);
				}
				catch (IOException | RuntimeException ex) {
					logger.debug("Closing SockJS session failed", ex);
				}
			}
		}

		@Override
		public void handleTransportError(WebSocketSession session, Throwable exception) {
			logger.debug("HTTP transport error", exception);
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			report(Transport.fromHub(status.getCode()), (status.getReason() != null) ? status.getReason() : "");
		}

		private void report(int code, String reason) {
			if (this.reported.compareAndSet(false, true)) {
				this.listener.onClosed(code, reason);
			}
		}

	}

	/**
	 * An open HTTP session.
	 */
	private static final class Session implements TransportSession {

		private final WebSocketSession session;

		private final Attempt attempt;

		private final Executor closer;

		private final OrderedWriter writer;

		Session(WebSocketSession session, Attempt attempt, Executor closer, int maxMessageSize) {
			this.session = session;
			this.attempt = attempt;
			this.closer = closer;
			// one send request at a time, off the caller's thread: the hub handles each
			// before it answers, so frames arrive in the order they were sent
			this.writer = new OrderedWriter(closer, maxMessageSize, (text) -> send(session, text),
					(failure) -> closer.execute(() -> attempt.receives.lost(failure)));
		}

		@Override
		public String transport() {
			return "http";
		}

		@Override
		public void send(String text) throws IOException {
			this.writer.send(text);
		}

		@Override
		public boolean offer(String text) throws IOException {
			return this.writer.offer(text);
		}

		private static void send(WebSocketSession session, String text) throws IOException {
			try {
				session.sendMessage(new TextMessage(text));
			}
			catch (RuntimeException ex) {
				throw new IOException("HTTP send failed: " + ex.getMessage(), ex);
			}
		}

		@Override
		public void close(int code, String reason) {
			// SockJS clients may close with 1000 or 3000 to 4999 only; the hub never sees
			// the code
			int sockJsCode = (code == 1000 || (code >= 3000 && code <= 4999)) ? code : CloseStatus.NORMAL.getCode();
			String shortReason = (reason.length() > 60) ? reason.substring(0, 60) : reason;
			this.closer.execute(() -> this.attempt.close(this.session, new CloseStatus(sockJsCode, shortReason)));
		}

	}

}

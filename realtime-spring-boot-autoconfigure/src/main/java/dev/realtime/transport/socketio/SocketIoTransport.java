package dev.realtime.transport.socketio;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509TrustManager;

import io.socket.client.IO;
import io.socket.client.Socket;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.json.JSONException;
import org.json.JSONObject;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.FrameSizes;
import dev.realtime.transport.ConnectionLoss;
import dev.realtime.transport.TlsHandshakeFailure;

/**
 * The Socket.IO transport, over {@code io.socket:socket.io-client} (Engine.IO v4 /
 * Socket.IO v5: servers 3.x and 4.x) and its OkHttp client. The URL's path names the
 * Socket.IO namespace ({@code http://host:3000} is the main one); the protocol's query
 * parameters go to the Engine.IO handshake. Each protocol message travels as the one
 * string argument of a {@value #FRAME_EVENT} event; a side that closes with a code first
 * emits {@value #CLOSE_EVENT} with {@code {code, reason}}. The library's own reconnection
 * is off: the client's state machine reconnects, with a new Socket.IO connection each
 * time. Only Engine.IO's WebSocket transport is used, never long-polling. The token goes
 * both as the {@code Authorization} header of the Engine.IO requests and as the
 * {@code auth} payload {@code {"token": …}} of the namespace connect.
 */
public final class SocketIoTransport implements Transport {

	/** How health, the actuator endpoint, metrics and logs name this transport. */
	public static final String NAME = "socketio";

	/** Event whose one string argument is a protocol message. */
	public static final String FRAME_EVENT = "frame";

	/** Event with {@code {code, reason}} that a side emits before it disconnects. */
	public static final String CLOSE_EVENT = "close";

	/** Close code of a connection that broke without a close of either side. */
	static final int ABNORMAL = 1006;

	/** Close code of a message above the frame limit (RFC 6455's "message too big"). */
	static final int TOO_BIG = 1009;

	private static final Log logger = LogFactory.getLog(SocketIoTransport.class);

	private static final String BEARER = "Bearer ";

	/**
	 * How the library names the HTTP status of a refused Engine.IO handshake: the message
	 * of a failed poll is the status alone, a refused WebSocket upgrade is OkHttp's
	 * "Expected HTTP 101 response but was '401 Unauthorized'".
	 */
	private static final Pattern REFUSED_STATUS = Pattern.compile("^(\\d{3})$|HTTP 101 response but was '(\\d{3})");

	private final int maxFrameSize;

	private final Duration handshakeTimeout;

	private final OkHttpClient http;

	/**
	 * Create a transport.
	 * @param maxFrameSize the largest protocol message accepted, in UTF-8 bytes
	 * @param handshakeTimeout how long the Engine.IO handshake and the namespace connect
	 * may take
	 * @param http the HTTP client of every request and WebSocket, see {@link #httpClient}
	 */
	public SocketIoTransport(int maxFrameSize, Duration handshakeTimeout, OkHttpClient http) {
		this.maxFrameSize = maxFrameSize;
		this.handshakeTimeout = handshakeTimeout;
		this.http = http;
	}

	/**
	 * Create the HTTP client the library's polling requests and WebSockets go through.
	 * @param connectTimeout how long opening a TCP connection (and a TLS session) may
	 * take
	 * @param proxy the proxy, or {@link HttpProxy#JVM_SETTINGS}
	 * @param sslContext the trust store (and client certificate, if any) for
	 * {@code https://}, with its trust manager, or {@code null} for the JVM's defaults;
	 * host names are verified either way
	 * @param trustManager the trust manager of {@code sslContext}, or {@code null} with
	 * it
	 * @return the client
	 */
	public static OkHttpClient httpClient(Duration connectTimeout, HttpProxy proxy, @Nullable SSLContext sslContext,
			@Nullable X509TrustManager trustManager) {
		OkHttpClient.Builder builder = new OkHttpClient.Builder()
			.connectTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS)
			// a long poll waits up to the server's ping interval (25 s by default) and
			// Engine.IO's heartbeat watches the connection
			.readTimeout(1, TimeUnit.MINUTES)
			.writeTimeout(1, TimeUnit.MINUTES);
		String host = proxy.host();
		if (host != null) {
			builder.proxy(new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, proxy.port())));
		}
		String username = proxy.username();
		if (username != null) {
			builder.proxyAuthenticator(basicProxyAuthentication(username, proxy.password()));
		}
		if (sslContext != null && trustManager != null) {
			builder.sslSocketFactory(sslContext.getSocketFactory(), trustManager);
		}
		return builder.build();
	}

	private static Authenticator basicProxyAuthentication(String username, @Nullable String password) {
		String credentials = Credentials.basic(username, (password != null) ? password : "");
		return (route, response) -> {
			if (response.request().header("Proxy-Authorization") != null) {
				// the proxy refused these credentials already
				return null;
			}
			return response.request().newBuilder().header("Proxy-Authorization", credentials).build();
		};
	}

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		IO.Options options = new IO.Options();
		options.forceNew = true;
		options.multiplex = false;
		options.reconnection = false;
		// Engine.IO's WebSocket transport only: the order of messages over several
		// long-polling requests is not kept by every server, and the HTTP fallback is a
		// transport of its own
		options.transports = new String[] { "websocket" };
		options.timeout = this.handshakeTimeout.toMillis();
		options.callFactory = this.http;
		options.webSocketFactory = this.http;
		options.extraHeaders = headers.entrySet()
			.stream()
			.collect(Collectors.toMap(Map.Entry::getKey, (header) -> List.of(header.getValue())));
		String token = bearerToken(headers);
		if (token != null) {
			options.auth = Map.of("token", token);
		}
		Socket socket = IO.socket(uri, options);
		Session session = new Session(socket, uri, listener, this.maxFrameSize);
		CompletableFuture<TransportSession> opened = new CompletableFuture<>();
		socket.on(Socket.EVENT_CONNECT, (args) -> {
			session.open();
			if (!opened.complete(session)) {
				// the caller gave up waiting meanwhile
				session.close(CloseCodes.NORMAL, "abandoned");
			}
		});
		socket.on(Socket.EVENT_CONNECT_ERROR, (args) -> {
			socket.close();
			opened.completeExceptionally(asConnectFailure(uri, (args.length > 0) ? args[0] : null));
		});
		socket.on(FRAME_EVENT, session::frame);
		socket.on(CLOSE_EVENT, session::closing);
		socket.on(Socket.EVENT_DISCONNECT, session::disconnected);
		socket.connect();
		return opened;
	}

	private static @Nullable String bearerToken(Map<String, String> headers) {
		for (Map.Entry<String, String> header : headers.entrySet()) {
			String value = header.getValue();
			if ("Authorization".equalsIgnoreCase(header.getKey())
					&& value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
				return value.substring(BEARER.length());
			}
		}
		return null;
	}

	/**
	 * Turn what {@code connect_error} carries into the failure of the connect future: a
	 * refusal naming an HTTP status, by the server's namespace ({@code {message, data:
	 * {status}}}) or by the Engine.IO handshake's HTTP answer, becomes a
	 * {@link HandshakeRejectedException}.
	 * @param uri the server
	 * @param error the argument of {@code connect_error}
	 * @return the failure
	 */
	static RuntimeException asConnectFailure(URI uri, @Nullable Object error) {
		if (error instanceof JSONObject refusal) {
			String message = "Socket.IO server refused the connection: " + refusal.optString("message", "");
			JSONObject data = refusal.optJSONObject("data");
			int status = (data != null) ? data.optInt("status", 0) : 0;
			IllegalStateException failure = new IllegalStateException(message);
			return (status >= 400 && status <= 599) ? new HandshakeRejectedException(status, failure) : failure;
		}
		if (!(error instanceof Throwable failure)) {
			return new IllegalStateException(
					"Socket.IO connection to " + uri.getHost() + ":" + uri.getPort() + " failed: " + error);
		}
		for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
			if (cause instanceof SSLException handshake) {
				return TlsHandshakeFailure.of(uri, handshake, failure);
			}
			Matcher matcher = (cause.getMessage() != null) ? REFUSED_STATUS.matcher(cause.getMessage()) : null;
			if (matcher != null && matcher.find()) {
				String status = (matcher.group(1) != null) ? matcher.group(1) : matcher.group(2);
				return new HandshakeRejectedException(Integer.parseInt(status), failure);
			}
		}
		return new IllegalStateException("Socket.IO connection to " + uri.getHost() + ":" + uri.getPort() + " failed: "
				+ ConnectionLoss.describe(failure), failure);
	}

	/**
	 * One Socket.IO connection. The library calls back on its one event thread.
	 */
	private static final class Session implements TransportSession {

		private final Socket socket;

		private final URI uri;

		private final TransportListener listener;

		private final int maxFrameSize;

		/** Whether the namespace connect succeeded: only then is a close reported. */
		private volatile boolean open;

		/** The code and reason the connection ends with, once a side named them. */
		private volatile @Nullable Close close;

		private volatile boolean reported;

		Session(Socket socket, URI uri, TransportListener listener, int maxFrameSize) {
			this.socket = socket;
			this.uri = uri;
			this.listener = listener;
			this.maxFrameSize = maxFrameSize;
		}

		void open() {
			this.open = true;
		}

		@Override
		public String transport() {
			return NAME;
		}

		@Override
		public void send(String text) throws IOException {
			if (!this.socket.connected()) {
				throw new IOException("Socket.IO connection is closed");
			}
			// the library writes on its event thread, in the order of the calls
			this.socket.emit(FRAME_EVENT, text);
		}

		@Override
		public void close(int code, String reason) {
			end(new Close(code, reason));
			JSONObject data = new JSONObject();
			try {
				data.put("code", code);
				data.put("reason", reason);
			}
			catch (JSONException ex) {
				throw new IllegalStateException(ex);
			}
			// emitted before the disconnect, on the same event thread: the peer reads it
			// first
			this.socket.emit(CLOSE_EVENT, data);
			this.socket.close();
		}

		void frame(Object... args) {
			if (args.length != 1 || !(args[0] instanceof String text)) {
				protocolViolation(CloseCodes.PROTOCOL_ERROR, "'" + FRAME_EVENT + "' event without one string argument");
				return;
			}
			if (FrameSizes.utf8Length(text) > this.maxFrameSize) {
				protocolViolation(TOO_BIG, "message larger than " + this.maxFrameSize + " bytes");
				return;
			}
			this.listener.onText(text);
		}

		private void protocolViolation(int code, String reason) {
			logger.warn("Closing the Socket.IO connection with " + code + ": the server sent a " + reason);
			close(code, reason);
		}

		void closing(Object... args) {
			if (args.length == 1 && args[0] instanceof JSONObject data) {
				int code = data.optInt("code", 0);
				String reason = data.optString("reason", "");
				if (code >= 1000 && code <= 4999) {
					end(new Close(Transport.fromHub(code),
							(reason.length() > 123) ? reason.substring(0, 123) : reason));
					return;
				}
			}
			logger.debug("Ignoring a '" + CLOSE_EVENT + "' event without a valid {code, reason}");
		}

		void disconnected(Object... args) {
			String reason = (args.length > 0 && args[0] instanceof String text) ? text : "unknown";
			// a server that disconnects without naming a code goes away; anything else
			// broke
			end(new Close("io server disconnect".equals(reason) ? CloseCodes.GOING_AWAY : ABNORMAL,
					"Socket.IO " + reason));
			Close ended = this.close;
			if (this.open && !this.reported && ended != null) {
				this.reported = true;
				if (ended.code() == ABNORMAL) {
					ConnectionLoss.log(logger, NAME, this.uri, ended.reason(), null);
				}
				this.listener.onClosed(ended.code(), ended.reason());
			}
		}

		/**
		 * Record how the connection ends, unless a side named it already.
		 * @param close the code and reason
		 */
		private synchronized void end(Close close) {
			if (this.close == null) {
				this.close = close;
			}
		}

	}

	private record Close(int code, String reason) {
	}

}

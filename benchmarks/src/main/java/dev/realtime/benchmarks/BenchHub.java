package dev.realtime.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
import org.springframework.boot.web.server.WebServer;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.boot.webmvc.autoconfigure.DispatcherServletAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.ObjectReadContext;
import tools.jackson.core.json.JsonFactory;

/**
 * The ack-only hub of the benchmarks: embedded Tomcat with Spring's WebSocket support, in
 * the same JVM. It follows the protocol (handshake, {@code resume} answered with
 * {@code resume_response} and the client's accepted seq, cumulative acks, pong) and
 * stores nothing but what it needs to count: every event is checked against the client's
 * seqs and idempotency keys seen so far and counted as a duplicate BEFORE it is
 * deduplicated. Frames are read with a streaming parser so the hub is not what limits the
 * figures.
 */
final class BenchHub implements AutoCloseable {

	/** Prefix of the idempotency keys the benchmarks generate: tracked in a bit set. */
	static final String KEY_PREFIX = "bk";

	private static final int RESUME_PAGE_SIZE = 500;

	private static final int MAX_MESSAGE = 1 << 20;

	private final JsonFactory json = new JsonFactory();

	private final Map<String, ClientStream> clients = new ConcurrentHashMap<>();

	private final Map<String, List<String>> inbound = new ConcurrentHashMap<>();

	private final Map<String, WebSocketSession> sessions = new ConcurrentHashMap<>();

	private final AtomicLong resumes = new AtomicLong();

	private volatile boolean refusing;

	private final ConfigurableApplicationContext context;

	BenchHub() {
		this.context = new SpringApplicationBuilder(ServerConfiguration.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off", "logging.level.root=WARN")
			.initializers((context) -> context.getBeanFactory().registerSingleton("benchHub", this))
			.run();
	}

	URI uri() {
		WebServer server = ((WebServerApplicationContext) this.context).getWebServer();
		if (server == null) {
			throw new IllegalStateException("The hub's web server is not running");
		}
		return URI.create("ws://127.0.0.1:" + server.getPort() + "/realtime");
	}

	/**
	 * Return the accounting of a client's outbound stream.
	 * @param clientId the client
	 * @return its stream, created empty when the client never sent anything
	 */
	ClientStream client(String clientId) {
		return this.clients.computeIfAbsent(clientId, (id) -> new ClientStream());
	}

	/**
	 * Refuse (HTTP 503) or accept handshakes again: the hub is down or up.
	 * @param refusing whether to refuse
	 */
	void refuseHandshakes(boolean refusing) {
		this.refusing = refusing;
	}

	long resumes() {
		return this.resumes.get();
	}

	/**
	 * Close a client's connection from the server side.
	 * @param clientId the client
	 * @param code the close code
	 * @return whether it had an open connection
	 */
	boolean close(String clientId, int code) {
		WebSocketSession session = openSession(clientId);
		if (session == null) {
			return false;
		}
		try {
			synchronized (session) {
				session.close(new CloseStatus(code, "benchmark"));
			}
		}
		catch (IOException ex) {
			// gone already
		}
		return true;
	}

	/**
	 * Return whether a client's connection is open.
	 * @param clientId the client
	 * @return whether the server has its session, open
	 */
	boolean connected(String clientId) {
		return openSession(clientId) != null;
	}

	private @Nullable WebSocketSession openSession(String clientId) {
		WebSocketSession session = this.sessions.get(clientId);
		return (session != null && session.isOpen()) ? session : null;
	}

	/**
	 * Send a text message to a client's open connection from the server side, as a hub
	 * pushes events.
	 * @param clientId the client
	 * @param text the message
	 * @return whether the client had an open connection
	 */
	boolean push(String clientId, String text) {
		WebSocketSession session = openSession(clientId);
		if (session == null) {
			return false;
		}
		try {
			synchronized (session) {
				session.sendMessage(new TextMessage(text));
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Push to " + clientId + " failed", ex);
		}
		return true;
	}

	/**
	 * Append events to a user's inbound stream without delivering them live: the client
	 * gets them on its next resume.
	 * @param userId the user
	 * @param count how many
	 * @param payloadJson the payload of each
	 */
	void storeInbound(String userId, int count, String payloadJson) {
		List<String> stream = this.inbound.computeIfAbsent(userId, (key) -> new ArrayList<>());
		synchronized (stream) {
			for (int i = 0; i < count; i++) {
				long seq = stream.size() + 1;
				stream.add("{\"type\":\"event\",\"seq\":" + seq + ",\"event\":\"bench.inbound\",\"payload\":"
						+ payloadJson + ",\"timestamp\":\"2026-01-01T00:00:00Z\"}");
			}
		}
	}

	@Override
	public void close() {
		this.context.close();
	}

	private boolean allowHandshake(ServerHttpRequest request, ServerHttpResponse response,
			Map<String, Object> attributes) {
		if (this.refusing) {
			response.setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
			return false;
		}
		Map<String, String> query = UriComponentsBuilder.fromUri(request.getURI())
			.build()
			.getQueryParams()
			.toSingleValueMap();
		String clientId = query.get("client_id");
		String userId = query.get("user_id");
		if (clientId == null || userId == null) {
			response.setStatusCode(HttpStatus.BAD_REQUEST);
			return false;
		}
		attributes.put("client_id", clientId);
		attributes.put("user_id", userId);
		return true;
	}

	private void handle(WebSocketSession session, String text) throws IOException {
		List<String> replies = answer(attribute(session, "user_id"), attribute(session, "client_id"), text);
		synchronized (session) {
			for (String reply : replies) {
				session.sendMessage(new TextMessage(reply));
			}
		}
	}

	/**
	 * Act on one text message of a client, whatever transport carried it.
	 * @param userId the client's user
	 * @param clientId the client
	 * @param text the message
	 * @return the replies, in order
	 */
	List<String> answer(String userId, String clientId, String text) {
		ClientStream stream = client(clientId);
		boolean sequenced = false;
		List<String> replies = new ArrayList<>(1);
		try (JsonParser parser = this.json.createParser(ObjectReadContext.empty(), text)) {
			JsonToken first = parser.nextToken();
			if (first == JsonToken.START_ARRAY) {
				while (parser.nextToken() == JsonToken.START_OBJECT) {
					sequenced |= frame(parser, stream, userId, replies);
				}
			}
			else if (first == JsonToken.START_OBJECT) {
				sequenced = frame(parser, stream, userId, replies);
			}
		}
		if (sequenced) {
			replies.add("{\"type\":\"ack\",\"ack_seq\":" + stream.contiguous() + "}");
		}
		return replies;
	}

	/**
	 * Return an attribute the handshake interceptor set on the session.
	 * @param session the session
	 * @param name the attribute's name
	 * @return its value
	 */
	private static String attribute(WebSocketSession session, String name) {
		if (!(session.getAttributes().get(name) instanceof String value)) {
			throw new IllegalStateException("Session " + session.getId() + " has no " + name);
		}
		return value;
	}

	/**
	 * Read one frame object (the parser is on its START_OBJECT) and act on it.
	 * @param parser the parser, on the frame's START_OBJECT
	 * @param stream the sending client's stream
	 * @param userId the sending client's user
	 * @param replies where replies to the client are added
	 * @return whether it was a sequenced event, to be acked
	 */
	private boolean frame(JsonParser parser, ClientStream stream, String userId, List<String> replies) {
		String type = null;
		String event = null;
		String key = null;
		long seq = -1;
		long lastAckSeq = 0;
		while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
			String name = parser.currentName();
			JsonToken value = parser.nextToken();
			switch (name) {
				case "type" -> type = parser.getString();
				case "event" -> event = parser.getString();
				case "idempotency_key" -> key = parser.getString();
				case "seq" -> seq = (value == JsonToken.VALUE_NUMBER_INT) ? parser.getLongValue() : -1;
				case "last_ack_seq" -> lastAckSeq = parser.getLongValue();
				default -> parser.skipChildren();
			}
		}
		if ("event".equals(type)) {
			stream.accept(seq, key);
			return seq > 0;
		}
		if ("resume".equals(type)) {
			replies.add(resumeResponse(stream, userId, lastAckSeq));
			this.resumes.incrementAndGet();
		}
		else if ("meta".equals(type) && "ping".equals(event)) {
			replies.add("{\"type\":\"meta\",\"event\":\"pong\",\"payload\":{}}");
		}
		return false;
	}

	private String resumeResponse(ClientStream stream, String userId, long lastAckSeq) {
		List<String> events = this.inbound.getOrDefault(userId, List.of());
		StringBuilder response = new StringBuilder(256);
		response.append("{\"type\":\"resume_response\",\"ack_seq\":")
			.append(stream.contiguous())
			.append(",\"events\":[");
		long last;
		boolean more;
		synchronized (events) {
			last = events.size();
			int from = (int) Math.min(lastAckSeq, last);
			int to = (int) Math.min(last, from + (long) RESUME_PAGE_SIZE);
			for (int i = from; i < to; i++) {
				response.append((i > from) ? "," : "").append(events.get(i));
			}
			more = to < last;
		}
		return response.append("],\"has_more\":")
			.append(more)
			.append(",\"reset\":false,\"last_seq\":")
			.append(last)
			.append('}')
			.toString();
	}

	/**
	 * What the hub saw of one client's outbound stream. Seqs and benchmark keys are
	 * tracked in bit sets, so a million events cost a few hundred kilobytes of the heap
	 * being measured.
	 */
	static final class ClientStream {

		private final BitSet seqs = new BitSet();

		private final BitSet keys = new BitSet();

		private final Set<String> otherKeys = new HashSet<>();

		private long contiguous;

		private long distinct;

		private long duplicates;

		private long unsequenced;

		synchronized void accept(long seq, @Nullable String key) {
			boolean duplicate = (seq > 0 && this.seqs.get(Math.toIntExact(seq))) || seenKey(key);
			if (duplicate) {
				this.duplicates++;
				return;
			}
			markKey(key);
			if (seq <= 0) {
				this.unsequenced++;
				return;
			}
			this.seqs.set(Math.toIntExact(seq));
			this.distinct++;
			if (seq == this.contiguous + 1) {
				this.contiguous = this.seqs.nextClearBit(Math.toIntExact(seq)) - 1;
			}
		}

		private boolean seenKey(@Nullable String key) {
			if (key == null) {
				return false;
			}
			int index = keyIndex(key);
			return (index >= 0) ? this.keys.get(index) : this.otherKeys.contains(key);
		}

		private void markKey(@Nullable String key) {
			if (key != null) {
				int index = keyIndex(key);
				if (index >= 0) {
					this.keys.set(index);
				}
				else {
					this.otherKeys.add(key);
				}
			}
		}

		private static int keyIndex(String key) {
			if (!key.startsWith(KEY_PREFIX) || key.length() > KEY_PREFIX.length() + 9) {
				return -1;
			}
			try {
				return Integer.parseInt(key, KEY_PREFIX.length(), key.length(), 10);
			}
			catch (NumberFormatException ex) {
				return -1;
			}
		}

		/**
		 * Highest seq up to which every event arrived: what the hub acks.
		 * @return the contiguous seq
		 */
		synchronized long contiguous() {
			return this.contiguous;
		}

		/**
		 * Sequenced events accepted once each.
		 * @return the count of distinct sequenced events
		 */
		synchronized long distinct() {
			return this.distinct;
		}

		/**
		 * Events that arrived again (same seq or same idempotency key), counted before
		 * dedup.
		 * @return the count of duplicates
		 */
		synchronized long duplicates() {
			return this.duplicates;
		}

		/**
		 * At-most-once events (no seq) accepted once each.
		 * @return the count of unsequenced events
		 */
		synchronized long unsequenced() {
			return this.unsequenced;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class,
			DispatcherServletAutoConfiguration.class })
	static class ServerConfiguration {

		@Bean
		ServletServerContainerFactoryBean webSocketContainer() {
			ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
			container.setMaxTextMessageBufferSize(MAX_MESSAGE);
			return container;
		}

		@Bean
		WebSocketConfigurer benchHubEndpoint(BenchHub hub) {
			HandshakeInterceptor handshake = new HandshakeInterceptor() {

				@Override
				public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler handler, Map<String, Object> attributes) {
					return hub.allowHandshake(request, response, attributes);
				}

				@Override
				public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response,
						WebSocketHandler handler, @Nullable Exception exception) {
				}

			};
			return (registry) -> {
				Handler handler = new Handler(hub);
				registry.addHandler(handler, "/realtime").addInterceptors(handshake);
				// the HTTP transport's endpoint (SockJS over HTTP only), as the reference
				// hub serves it
				registry.addHandler(handler, "/realtime-sockjs")
					.addInterceptors(handshake)
					.withSockJS()
					.setWebSocketEnabled(false)
					.setSessionCookieNeeded(false)
					.setStreamBytesLimit(MAX_MESSAGE)
					.setHttpMessageCacheSize(1000);
			};
		}

	}

	private static final class Handler extends TextWebSocketHandler {

		private final BenchHub hub;

		Handler(BenchHub hub) {
			this.hub = hub;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			this.hub.sessions.put((String) session.getAttributes().get("client_id"), session);
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
			this.hub.handle(session, message.getPayload());
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.hub.sessions.remove((String) session.getAttributes().get("client_id"), session);
		}

	}

}

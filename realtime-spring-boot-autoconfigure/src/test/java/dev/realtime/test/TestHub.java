package dev.realtime.test;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.tomcat.autoconfigure.servlet.TomcatServletWebServerAutoConfiguration;
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
import org.springframework.web.socket.config.annotation.SockJsServiceRegistration;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import org.springframework.web.socket.sockjs.transport.handler.XhrPollingTransportHandler;
import org.springframework.web.socket.sockjs.transport.handler.XhrReceivingTransportHandler;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.transport.http.HttpTransport;

/**
 * A scriptable hub for client tests: a real WebSocket server on a random port (and
 * SockJS, for the HTTP transport, at {@code /realtime-sockjs}) that speaks the protocol
 * the simple way (acks what it receives, answers resume and ping) and can be told to
 * misbehave: refuse tokens, go silent, close with a code, send arbitrary text.
 */
public final class TestHub implements AutoCloseable {

	private final FrameCodec codec = new FrameCodec();

	private final ConfigurableApplicationContext context;

	private final List<EventFrame> received = new CopyOnWriteArrayList<>();

	private final List<WebSocketSession> sessions = new CopyOnWriteArrayList<>();

	private final Map<String, Long> highestAccepted = new ConcurrentHashMap<>();

	private final Map<String, List<EventFrame>> streams = new ConcurrentHashMap<>();

	private final AtomicInteger handshakes = new AtomicInteger();

	private final AtomicInteger pings = new AtomicInteger();

	private final List<String> presentedTokens = new CopyOnWriteArrayList<>();

	private volatile @Nullable Predicate<String> tokenCheck;

	private volatile boolean silent;

	private volatile boolean acking = true;

	/** The {@code ack_seq} of each ack clients sent for their inbound events. */
	private final List<Long> clientAcks = new CopyOnWriteArrayList<>();

	private volatile UnaryOperator<ResumeResponseFrame> resumeAnswers = UnaryOperator.identity();

	/** Pages of 500 keep a resume answer within the frame limit. */
	private volatile int resumePageSize = 500;

	private volatile long retainedFrom = 1;

	/** Characters read per second, or 0 for as fast as they come. */
	private volatile long readRate;

	/** Guards {@link #reading}. */
	private final Object readGate = new Object();

	private volatile boolean reading = true;

	private TestHub(String... properties) {
		this.context = new SpringApplicationBuilder(ServerConfiguration.class).web(WebApplicationType.SERVLET)
			.properties("server.port=0", "spring.main.banner-mode=off")
			.properties(properties)
			.initializers((context) -> context.getBeanFactory().registerSingleton("testHub", this))
			.run();
	}

	/**
	 * Start a hub on a random port, for {@link HubFixture}: tests get their hub from it.
	 * @param properties extra server properties as {@code key=value} strings, for example
	 * {@code server.ssl.*} to serve {@code wss://}
	 * @return the running hub
	 */
	static TestHub start(String... properties) {
		return new TestHub(properties);
	}

	/**
	 * Return the endpoint clients connect to.
	 * @return the URI
	 */
	public URI uri() {
		int port = ((WebServerApplicationContext) this.context).getWebServer().getPort();
		boolean tls = this.context.getEnvironment().containsProperty("server.ssl.key-store");
		return URI.create((tls ? "wss" : "ws") + "://localhost:" + port + "/realtime");
	}

	/**
	 * Refuse handshakes (HTTP 401) whose bearer token is not this one.
	 * @param token the token, or {@code null} to accept any
	 */
	public void requireToken(@Nullable String token) {
		acceptTokens((token != null) ? token::equals : null);
	}

	/**
	 * Refuse handshakes (HTTP 401) whose bearer token does not pass a check, for example
	 * the tokens a token endpoint currently considers valid.
	 * @param valid the check, or {@code null} to accept any
	 */
	public void acceptTokens(@Nullable Predicate<String> valid) {
		this.tokenCheck = valid;
	}

	/**
	 * Return the bearer token of every handshake attempt, refused ones included, in
	 * arrival order; an empty string for an attempt without one.
	 * @return the tokens
	 */
	public List<String> presentedTokens() {
		return List.copyOf(this.presentedTokens);
	}

	/**
	 * Stop (or resume) answering anything: no acks, no pongs, no resume responses.
	 * Handshakes still succeed, like a hub whose process hangs behind a live load
	 * balancer.
	 * @param silent whether to stay silent
	 */
	public void silent(boolean silent) {
		this.silent = silent;
	}

	/**
	 * Read each connection at most this fast, like a hub that reads slowly: each message
	 * is taken in the time its length takes at this rate before the next one is read.
	 * @param charsPerSecond the rate, or 0 to read as fast as messages come
	 */
	public void readRate(long charsPerSecond) {
		this.readRate = charsPerSecond;
	}

	/**
	 * Stop (or resume) reading: the next message to arrive on each connection holds its
	 * reads until reading resumes, so what the client writes piles up in the network's
	 * buffers and then in the client.
	 * @param reading whether to read
	 */
	public void reading(boolean reading) {
		synchronized (this.readGate) {
			this.reading = reading;
			this.readGate.notifyAll();
		}
	}

	private void awaitReading(int length) {
		long rate = this.readRate;
		if (rate > 0) {
			LockSupport.parkNanos(length * 1_000_000_000L / rate);
		}
		synchronized (this.readGate) {
			while (!this.reading) {
				try {
					this.readGate.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

	/**
	 * Stop (or resume) acking events; they are still recorded.
	 * @param acking whether to ack
	 */
	public void acking(boolean acking) {
		this.acking = acking;
	}

	/**
	 * Change the answers to resume requests before they are sent, for example to skip or
	 * repeat events or to claim a higher {@code ack_seq}, like a broken or hostile hub.
	 * @param tamper turns the honest answer into the one sent
	 */
	public void tamperWithResumeAnswers(UnaryOperator<ResumeResponseFrame> tamper) {
		this.resumeAnswers = tamper;
	}

	/**
	 * Return every event frame received, duplicates included, in arrival order.
	 * @return the events
	 */
	public List<EventFrame> received() {
		return List.copyOf(this.received);
	}

	/**
	 * Return the events received once each (by client and seq) in seq order: what a
	 * deduplicating hub would have stored.
	 * @return the distinct sequenced events
	 */
	public List<EventFrame> accepted() {
		Map<String, EventFrame> distinct = new java.util.TreeMap<>();
		for (EventFrame event : this.received) {
			if (event.seq() != null) {
				distinct.putIfAbsent(event.clientId() + "/" + String.format("%019d", event.seq()), event);
			}
		}
		return new ArrayList<>(distinct.values());
	}

	/**
	 * Return the {@code ack_seq} of each ack clients sent for the events this hub pushed.
	 * @return the acks, in the order they arrived
	 */
	public List<Long> clientAcks() {
		return List.copyOf(this.clientAcks);
	}

	/**
	 * Return how many handshakes succeeded.
	 * @return the count
	 */
	public int handshakes() {
		return this.handshakes.get();
	}

	/**
	 * Return how many pings arrived.
	 * @return the count
	 */
	public int pings() {
		return this.pings.get();
	}

	/**
	 * Return how many connections are open.
	 * @return the count
	 */
	public int openConnections() {
		return (int) this.sessions.stream().filter(WebSocketSession::isOpen).count();
	}

	/**
	 * Close every open connection with a code.
	 * @param code the close code
	 * @param reason the reason
	 */
	public void closeAll(int code, String reason) {
		for (WebSocketSession session : this.sessions) {
			try {
				session.close(new CloseStatus(code, reason));
			}
			catch (IOException ex) {
				// already gone
			}
		}
	}

	/**
	 * Answer a {@code resume} with at most this many events, and {@code has_more} when
	 * more are missed.
	 * @param pageSize the page size
	 */
	public void resumePageSize(int pageSize) {
		this.resumePageSize = pageSize;
	}

	/**
	 * Drop every event before a seq from the retention window: a client that resumes from
	 * before it gets {@code reset} and continues after {@code seq - 1}.
	 * @param seq the first retained seq
	 */
	public void retainFrom(long seq) {
		this.retainedFrom = seq;
	}

	/**
	 * Send raw text to every open connection.
	 * @param text the text message
	 */
	public void sendRaw(String text) {
		for (WebSocketSession session : this.sessions) {
			if (session.isOpen()) {
				try {
					session.sendMessage(new TextMessage(text));
				}
				catch (IOException | RuntimeException ex) {
					// broken, or too slow a reader: dropped as a hub would drop it, and
					// the
					// client resumes
					closeQuietly(session);
				}
			}
		}
	}

	private static void closeQuietly(WebSocketSession session) {
		try {
			session.close(CloseStatus.SESSION_NOT_RELIABLE);
		}
		catch (IOException ex) {
			// gone already
		}
	}

	/**
	 * Append an event to a user's stream without delivering it live: the client gets it
	 * on its next resume.
	 * @param userId the user
	 * @param event the event name
	 * @param payload the payload
	 * @return the stored frame, with its seq
	 */
	public EventFrame store(String userId, String event, Object payload) {
		List<EventFrame> stream = this.streams.computeIfAbsent(userId, (key) -> new CopyOnWriteArrayList<>());
		synchronized (stream) {
			EventFrame frame = new EventFrame((long) stream.size() + 1, null, null, event,
					this.codec.toPayload(payload), java.time.Instant.now());
			stream.add(frame);
			return frame;
		}
	}

	/**
	 * Encode frames as one text message.
	 * @param frames the frames
	 * @return the text
	 */
	public String encode(List<? extends Frame> frames) {
		return this.codec.encodeAll(frames);
	}

	@Override
	public void close() {
		reading(true);
		this.context.close();
	}

	private void handle(WebSocketSession session, String text) throws IOException {
		if (this.silent) {
			return;
		}
		long highest = -1;
		String userId = (String) session.getAttributes().get("user_id");
		for (Frame frame : this.codec.decode(text, (problem) -> {
		})) {
			if (frame instanceof EventFrame event) {
				this.received.add(event);
				if (event.seq() != null) {
					highest = Math.max(highest, event.seq());
					this.highestAccepted.merge(String.valueOf(event.clientId()), event.seq(), Math::max);
				}
			}
			else if (frame instanceof ResumeFrame resume) {
				List<EventFrame> stream = this.streams.getOrDefault(userId, List.of());
				boolean reset = resume.lastAckSeq() + 1 < this.retainedFrom;
				long after = reset ? this.retainedFrom - 1 : resume.lastAckSeq();
				List<EventFrame> missed = stream.stream().filter((event) -> event.seq() > after).toList();
				boolean hasMore = missed.size() > this.resumePageSize;
				List<EventFrame> page = hasMore ? missed.subList(0, this.resumePageSize) : missed;
				ResumeResponseFrame answer = new ResumeResponseFrame(
						this.highestAccepted.getOrDefault(resume.clientId(), 0L), page, hasMore, reset,
						reset ? after : stream.size());
				session.sendMessage(new TextMessage(this.codec.encode(this.resumeAnswers.apply(answer))));
			}
			else if (frame instanceof AckFrame ack) {
				this.clientAcks.add(ack.ackSeq());
			}
			else if (frame instanceof MetaFrame meta && MetaFrame.PING.equals(meta.event())) {
				this.pings.incrementAndGet();
				session.sendMessage(new TextMessage(this.codec.encode(new MetaFrame(MetaFrame.PONG, emptyPayload()))));
			}
		}
		if (highest >= 0 && this.acking) {
			session.sendMessage(new TextMessage(this.codec.encode(new AckFrame(highest))));
		}
	}

	private JsonNode emptyPayload() {
		return this.codec.toPayload(null);
	}

	private boolean allowHandshake(ServerHttpRequest request, ServerHttpResponse response,
			Map<String, Object> attributes) {
		String header = request.getHeaders().getFirst("Authorization");
		String token = (header != null && header.startsWith("Bearer ")) ? header.substring(7) : "";
		this.presentedTokens.add(token);
		Predicate<String> check = this.tokenCheck;
		if (check != null && !check.test(token)) {
			response.setStatusCode(HttpStatus.UNAUTHORIZED);
			return false;
		}
		// decoded: a user id may hold '@', which the client percent-encodes
		Map<String, String> query = UriComponentsBuilder.fromUri(request.getURI())
			.build(true)
			.getQueryParams()
			.toSingleValueMap();
		query.replaceAll((name, value) -> URLDecoder.decode(value, StandardCharsets.UTF_8));
		attributes.put("user_id", query.get("user_id"));
		this.handshakes.incrementAndGet();
		return true;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableWebSocket
	@ImportAutoConfiguration({ TomcatServletWebServerAutoConfiguration.class,
			DispatcherServletAutoConfiguration.class })
	static class ServerConfiguration {

		@Bean
		ServletServerContainerFactoryBean webSocketContainer() {
			// containers accept 8 KiB text messages by default; the protocol allows 1 MiB
			ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
			container.setMaxTextMessageBufferSize(1 << 20);
			return container;
		}

		@Bean
		WebSocketConfigurer testHubEndpoint(TestHub hub,
				@Value("${testhub.sockjs.streaming:true}") boolean sockJsStreaming) {
			HandshakeInterceptor tokens = new HandshakeInterceptor() {

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
			return (WebSocketHandlerRegistry registry) -> {
				Handler handler = new Handler(hub);
				registry.addHandler(handler, "/realtime").addInterceptors(tokens);
				// the same hub over SockJS, where the HTTP transport derives it from the
				// WebSocket URL
				SockJsServiceRegistration sockJs = registry
					.addHandler(handler, "/realtime" + HttpTransport.DERIVED_PATH_SUFFIX)
					.addInterceptors(tokens)
					.withSockJS();
				if (!sockJsStreaming) {
					// testhub.sockjs.streaming=false: XHR polling only, as behind a proxy
					// that buffers responses
					sockJs.setTransportHandlers(new XhrPollingTransportHandler(), new XhrReceivingTransportHandler());
				}
			};
		}

	}

	private static final class Handler extends TextWebSocketHandler {

		private final TestHub hub;

		Handler(TestHub hub) {
			this.hub = hub;
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) {
			// the buffer holds a frame above the client's 1 MB limit: a test sends one
			// while
			// an ack may still be on its way out, and a frame over the buffer's limit is
			// dropped
			WebSocketSession concurrent = new ConcurrentWebSocketSessionDecorator(session, 10_000, 8 << 20);
			session.getAttributes().put("concurrent", concurrent);
			this.hub.sessions.add(concurrent);
		}

		@Override
		protected void handleTextMessage(WebSocketSession session, TextMessage message) throws IOException {
			this.hub.awaitReading(message.getPayloadLength());
			this.hub.handle((WebSocketSession) session.getAttributes().get("concurrent"), message.getPayload());
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
			this.hub.sessions.remove(session.getAttributes().get("concurrent"));
		}

	}

}

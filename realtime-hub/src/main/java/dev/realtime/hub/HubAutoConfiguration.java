package dev.realtime.hub;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;
import org.springframework.web.socket.server.standard.ServletServerContainerFactoryBean;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.hub.security.HubTokenVerifier;
import dev.realtime.protocol.FrameCodec;

/**
 * Auto-configuration of the reference hub in a servlet web application: every hub bean,
 * on the application's {@code DataSource} (its {@link JdbcTemplate} and transaction
 * manager) or in memory ({@code realtime.hub.store}), switched off with
 * {@code realtime.hub.enabled=false}.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
		"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
		"org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration" })
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "realtime.hub.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ HubProperties.class, HubBusProperties.class })
@EnableWebSocket
@Import(HubTokenConfiguration.class)
public final class HubAutoConfiguration {

	/** What the WebSocket path gets for the SockJS endpoint, as clients derive it. */
	static final String SOCKJS_SUFFIX = "-sockjs";

	/**
	 * SockJS heartbeat: keeps proxies from closing an idle streaming response (the
	 * protocol's own ping comes from the client).
	 */
	private static final long SOCKJS_HEARTBEAT_MILLIS = 25_000;

	/** The container's receive buffer for text, in characters: a part of a message. */
	private static final int RECEIVE_BUFFER_CHARACTERS = 1024;

	/** The container's receive buffer for binary messages, which the hub refuses. */
	private static final int BINARY_BUFFER_BYTES = 1024;

	/** How long a SockJS session lives on without a receive request. */
	private static final long SOCKJS_DISCONNECT_DELAY_MILLIS = 5_000;

	@Bean
	HubSessionExpiry hubSessionExpiry(ObjectProvider<Clock> clock) {
		return new HubSessionExpiry(clock.getIfAvailable(Clock::systemUTC));
	}

	@Bean
	@ConditionalOnMissingBean
	RoomAuthorizer roomAuthorizer(HubProperties properties) {
		return new PropertiesRoomAuthorizer(properties.getRooms().getOpen());
	}

	/**
	 * One node: {@code realtime.hub.bus=local}, unless
	 * {@link HubRedisBusAutoConfiguration} gave the hub a bus over Redis.
	 * @param properties the bus properties
	 * @return the bus
	 */
	@Bean
	@ConditionalOnMissingBean
	HubBus hubBus(HubBusProperties properties) {
		return new LocalHubBus(HubBus.nodeId(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	DefaultHub hub(ObjectProvider<JdbcTemplate> jdbcTemplate, ObjectProvider<PlatformTransactionManager> transactions,
			ObjectProvider<InMemoryHubStore> memoryStore, ObjectProvider<JsonMapper> jsonMapper,
			ObjectProvider<Clock> clock, HubProperties properties, ObjectProvider<HubMetrics> metrics,
			RoomAuthorizer roomAuthorizer, HubBus bus) {
		// the application's mapper converts push() payloads like the rest of the
		// application does
		FrameCodec codec = new FrameCodec(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
		HubStoreSelection selected = HubStoreSelection.select(properties, jdbcTemplate, transactions, memoryStore,
				codec.mapper());
		HubStore store = selected.store();
		HubSessionRegistry sessions = new HubSessionRegistry(store);
		Clock hubClock = clock.getIfAvailable(Clock::systemUTC);
		DefaultHub hub = new DefaultHub(store, sessions, bus,
				new HubRooms(store, sessions, bus, roomAuthorizer, codec, hubClock), selected.transactionManager(),
				codec, properties, hubClock);
		hub.setMetrics(metrics.getIfAvailable(() -> HubMetrics.NONE));
		return hub;
	}

	@Bean
	HubNode hubNode(DefaultHub hub) {
		return new HubNode(hub.sessions(), hub.bus().nodeId());
	}

	@Bean
	HubRetentionPurger hubRetentionPurger(DefaultHub hub, HubProperties properties) {
		return new HubRetentionPurger(hub, properties);
	}

	@Bean
	HubProtocol hubProtocol(DefaultHub hub, HubSessionExpiry expiry) {
		return new HubProtocol(hub, expiry);
	}

	@Bean
	HubHandshake hubHandshake(HubTokenVerifier tokenVerifier, DefaultHub hub) {
		return new HubHandshake(tokenVerifier, hub);
	}

	@Bean
	@ConditionalOnBooleanProperty("realtime.hub.socketio.enabled")
	HubSocketIoServer hubSocketIoServer(HubProtocol protocol, HubHandshake handshake, HubProperties properties) {
		return new HubSocketIoServer(protocol, handshake, properties);
	}

	/**
	 * The hub's endpoints: WebSocket at {@code realtime.hub.path}, and SockJS over HTTP
	 * (XHR streaming and polling, for clients behind proxies that refuse WebSocket
	 * upgrades) at the same path with {@value #SOCKJS_SUFFIX} appended. Both run the same
	 * handler, handshake checks and frame limit. Every
	 * {@link WebSocketHandlerDecoratorFactory} bean wraps that handler, in order, on both
	 * endpoints: the hook for what sits between the network and the hub (the test kit's
	 * fault controls, a test's traffic recorder).
	 * @param protocol runs the protocol on every connection
	 * @param handshake checks the handshake's token and parameters
	 * @param properties the hub's properties
	 * @param decorators what wraps the hub's handler
	 * @return the configurer
	 */
	@Bean
	WebSocketConfigurer hubWebSocketConfigurer(HubProtocol protocol, HubHandshake handshake, HubProperties properties,
			ObjectProvider<WebSocketHandlerDecoratorFactory> decorators) {
		return (registry) -> {
			WebSocketHandler handler = new HubWebSocketHandler(protocol, properties);
			for (WebSocketHandlerDecoratorFactory decorator : decorators.orderedStream().toList()) {
				handler = decorator.decorate(handler);
			}
			HubHandshakeInterceptor interceptor = new HubHandshakeInterceptor(handshake);
			registry.addHandler(handler, properties.getPath()).addInterceptors(interceptor);
			int maxFrameSize = (int) properties.getMaxFrameSize().toBytes();
			registry.addHandler(handler, properties.getPath() + SOCKJS_SUFFIX)
				.addInterceptors(interceptor)
				.withSockJS()
				// HTTP only: WebSocket clients use the WebSocket endpoint
				.setWebSocketEnabled(false)
				.setSessionCookieNeeded(false)
				// the client reads the stream frame by frame: no need to restart the
				// streaming request every 128 KB
				.setStreamBytesLimit(Math.max(maxFrameSize, 128 * 1024))
				// what queues while no receive request is open (between two polls)
				.setHttpMessageCacheSize(1000)
				.setHeartbeatTime(SOCKJS_HEARTBEAT_MILLIS)
				.setDisconnectDelay(SOCKJS_DISCONNECT_DELAY_MILLIS);
		};
	}

	@Bean
	ServletServerContainerFactoryBean hubWebSocketContainer() {
		// Tomcat gives every connection these buffers up front (two bytes a character):
		// the handler takes a longer text message in parts and joins them up to the frame
		// limit, and refuses binary messages whatever their size
		ServletServerContainerFactoryBean container = new ServletServerContainerFactoryBean();
		container.setMaxTextMessageBufferSize(RECEIVE_BUFFER_CHARACTERS);
		container.setMaxBinaryMessageBufferSize(BINARY_BUFFER_BYTES);
		return container;
	}

}

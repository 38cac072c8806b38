package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.NestedConfigurationProperty;
import org.springframework.util.unit.DataSize;

import dev.realtime.client.DeliveryStrategy;

/**
 * Configuration properties of the realtime client.
 */
@ConfigurationProperties("realtime")
public class RealtimeProperties {

	/**
	 * Whether to enable the realtime client.
	 */
	private boolean enabled = true;

	/**
	 * WebSocket endpoint of the hub, for example ws://localhost:8080/realtime. The
	 * protocol's query parameters are added by the client.
	 */
	private @Nullable URI url;

	/**
	 * User the application's own client acts for: 1 to 128 characters of a-z, 0-9, '@',
	 * '_' and '-'. Unset, the application has no client of its own and acts only for the
	 * users it connects through RealtimeClients.
	 */
	private @Nullable String userId;

	/**
	 * Whether to connect when the application starts and disconnect gracefully when it
	 * stops.
	 */
	private boolean autoConnect = true;

	/**
	 * Time a connection attempt (handshake and resume) may take.
	 */
	private Duration connectTimeout = Duration.ofSeconds(10);

	/**
	 * Delivery strategy of events sent without explicit options.
	 */
	private DeliveryStrategy deliveryStrategy = DeliveryStrategy.AT_LEAST_ONCE;

	/**
	 * Largest text message sent to or accepted from the hub. A batch is split to stay
	 * within it; an event whose frame alone exceeds it is refused by sendEvent.
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(1);

	/**
	 * Transport that carries the protocol's frames to the hub.
	 */
	private TransportType transport = TransportType.WEBSOCKET;

	/**
	 * Whether a WebSocket client falls back to the HTTP transport when the upgrade is
	 * refused or times out, and moves back to WebSocket once an upgrade works again.
	 */
	private boolean websocketFallback;

	@NestedConfigurationProperty
	private final ProxyProperties proxy = new ProxyProperties();

	@NestedConfigurationProperty
	private final HttpProperties http = new HttpProperties();

	@NestedConfigurationProperty
	private final ReconnectProperties reconnect = new ReconnectProperties();

	@NestedConfigurationProperty
	private final HeartbeatProperties heartbeat = new HeartbeatProperties();

	@NestedConfigurationProperty
	private final BatchProperties batch = new BatchProperties();

	@NestedConfigurationProperty
	private final OutboxProperties outbox = new OutboxProperties();

	@NestedConfigurationProperty
	private final InboxProperties inbox = new InboxProperties();

	@NestedConfigurationProperty
	private final SslProperties ssl = new SslProperties();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable URI getUrl() {
		return this.url;
	}

	public void setUrl(@Nullable URI url) {
		this.url = url;
	}

	public @Nullable String getUserId() {
		return this.userId;
	}

	public void setUserId(@Nullable String userId) {
		this.userId = userId;
	}

	public boolean isAutoConnect() {
		return this.autoConnect;
	}

	public void setAutoConnect(boolean autoConnect) {
		this.autoConnect = autoConnect;
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public DeliveryStrategy getDeliveryStrategy() {
		return this.deliveryStrategy;
	}

	public void setDeliveryStrategy(DeliveryStrategy deliveryStrategy) {
		this.deliveryStrategy = deliveryStrategy;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public TransportType getTransport() {
		return this.transport;
	}

	public void setTransport(TransportType transport) {
		this.transport = transport;
	}

	public boolean isWebsocketFallback() {
		return this.websocketFallback;
	}

	public void setWebsocketFallback(boolean websocketFallback) {
		this.websocketFallback = websocketFallback;
	}

	public ProxyProperties getProxy() {
		return this.proxy;
	}

	public HttpProperties getHttp() {
		return this.http;
	}

	public ReconnectProperties getReconnect() {
		return this.reconnect;
	}

	public HeartbeatProperties getHeartbeat() {
		return this.heartbeat;
	}

	public BatchProperties getBatch() {
		return this.batch;
	}

	public OutboxProperties getOutbox() {
		return this.outbox;
	}

	public InboxProperties getInbox() {
		return this.inbox;
	}

	public SslProperties getSsl() {
		return this.ssl;
	}

	/**
	 * Transports that can carry the protocol's frames.
	 */
	public enum TransportType {

		/**
		 * Raw WebSocket ({@code ws://} or {@code wss://}).
		 */
		WEBSOCKET,

		/**
		 * Socket.IO (Engine.IO v4, servers 3.x and 4.x; {@code http://} or
		 * {@code https://}).
		 */
		SOCKETIO,

		/**
		 * HTTP only, for networks that block WebSocket upgrades.
		 */
		HTTP

	}

}

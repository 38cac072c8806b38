package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
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

	private final Proxy proxy = new Proxy();

	private final Http http = new Http();

	private final Reconnect reconnect = new Reconnect();

	private final Heartbeat heartbeat = new Heartbeat();

	private final Batch batch = new Batch();

	private final Outbox outbox = new Outbox();

	private final Inbox inbox = new Inbox();

	private final Ssl ssl = new Ssl();

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

	public Proxy getProxy() {
		return this.proxy;
	}

	public Http getHttp() {
		return this.http;
	}

	public Reconnect getReconnect() {
		return this.reconnect;
	}

	public Heartbeat getHeartbeat() {
		return this.heartbeat;
	}

	public Batch getBatch() {
		return this.batch;
	}

	public Outbox getOutbox() {
		return this.outbox;
	}

	public Inbox getInbox() {
		return this.inbox;
	}

	public Ssl getSsl() {
		return this.ssl;
	}

	/**
	 * Reconnect settings.
	 */
	public static class Reconnect {

		/**
		 * Delay before the first reconnect attempt; it doubles on each further attempt.
		 */
		private Duration initialDelay = Duration.ofSeconds(1);

		/**
		 * Longest delay between reconnect attempts, jitter included.
		 */
		private Duration maxDelay = Duration.ofSeconds(30);

		/**
		 * Random spread of each delay, between 0 (none) and 1 (plus or minus 100%).
		 */
		private double jitter = 0.2;

		/**
		 * Reconnect attempts in a row before the client gives up and fails, -1 for no
		 * limit.
		 */
		private int maxRetries = -1;

		public Duration getInitialDelay() {
			return this.initialDelay;
		}

		public void setInitialDelay(Duration initialDelay) {
			this.initialDelay = initialDelay;
		}

		public Duration getMaxDelay() {
			return this.maxDelay;
		}

		public void setMaxDelay(Duration maxDelay) {
			this.maxDelay = maxDelay;
		}

		public double getJitter() {
			return this.jitter;
		}

		public void setJitter(double jitter) {
			this.jitter = jitter;
		}

		public int getMaxRetries() {
			return this.maxRetries;
		}

		public void setMaxRetries(int maxRetries) {
			this.maxRetries = maxRetries;
		}

	}

	/**
	 * Heartbeat settings.
	 */
	public static class Heartbeat {

		/**
		 * Interval between pings to the hub.
		 */
		private Duration interval = Duration.ofSeconds(25);

		/**
		 * Time to wait for any frame after a ping before the connection is treated as
		 * dead.
		 */
		private Duration timeout = Duration.ofSeconds(10);

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

	}

	/**
	 * Outbound batching settings.
	 */
	public static class Batch {

		/**
		 * Most events sent together in one frame (a JSON array, acked cumulatively); 1
		 * sends each event in its own frame. Batches are adaptive: an event on an idle
		 * connection goes out at once, events that queue up while the connection is busy
		 * share frames, and no frame exceeds realtime.max-frame-size.
		 */
		private int size = 100;

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	/**
	 * Outbound queue settings.
	 */
	public static class Outbox {

		/**
		 * Pending events a user's outbound queue may hold; beyond it sendEvent fails
		 * fast.
		 */
		private long maxSize = 100_000;

		/**
		 * Sent events that may await an ack at once.
		 */
		private int maxInFlight = 1000;

		/**
		 * How often the relay looks for events to send without being woken (events
		 * written by other instances, or committed late) and renews, or tries to take,
		 * the user's lease.
		 */
		private Duration pollInterval = Duration.ofSeconds(1);

		/**
		 * How long a user's lease lasts without renewal. Only the instance holding it
		 * connects for the user; another instance takes over within this time (plus a
		 * poll interval) after the holder dies. A graceful stop releases it at once.
		 */
		private Duration leaseDuration = Duration.ofSeconds(30);

		/**
		 * How long sendEvent outside a transaction waits for the database to commit its
		 * event before it fails with OutboxWriteException.
		 */
		private Duration writeTimeout = Duration.ofSeconds(5);

		/**
		 * Names this instance of the application in the users' leases and among the live
		 * instances that share the shared users (at most 64 characters). Must differ
		 * between instances running at the same time; a random id when not set.
		 */
		private @Nullable String instanceId;

		/**
		 * Where the outbox, the inbox and read receipts are kept: 'jdbc' in the
		 * application's DataSource (the library migrates its tables), or 'memory', lost
		 * on restart. Default: jdbc when the application has a DataSource, else memory.
		 */
		private @Nullable Store store;

		public long getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(long maxSize) {
			this.maxSize = maxSize;
		}

		public int getMaxInFlight() {
			return this.maxInFlight;
		}

		public void setMaxInFlight(int maxInFlight) {
			this.maxInFlight = maxInFlight;
		}

		public Duration getPollInterval() {
			return this.pollInterval;
		}

		public void setPollInterval(Duration pollInterval) {
			this.pollInterval = pollInterval;
		}

		public Duration getLeaseDuration() {
			return this.leaseDuration;
		}

		public void setLeaseDuration(Duration leaseDuration) {
			this.leaseDuration = leaseDuration;
		}

		public Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

		public @Nullable String getInstanceId() {
			return this.instanceId;
		}

		public void setInstanceId(@Nullable String instanceId) {
			this.instanceId = instanceId;
		}

		public @Nullable Store getStore() {
			return this.store;
		}

		public void setStore(@Nullable Store store) {
			this.store = store;
		}

		/**
		 * Where the outbox, the inbox and read receipts are kept.
		 */
		public enum Store {

			/** In the application's DataSource, through plain JDBC: durable. */
			JDBC,

			/** In memory: events survive reconnects but not a restart. */
			MEMORY

		}

	}

	/**
	 * Inbound store settings.
	 */
	public static class Inbox {

		/**
		 * Times listeners are called for an inbound event that keeps failing before it is
		 * parked as failed.
		 */
		private int maxAttempts = 3;

		/**
		 * Whether listeners run inside the transaction that removes the event from the
		 * inbox in the application's database, so their own writes to the same database
		 * commit together with it (processing effectively once) and a failing listener
		 * rolls both back.
		 */
		private boolean transactional;

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public boolean isTransactional() {
			return this.transactional;
		}

		public void setTransactional(boolean transactional) {
			this.transactional = transactional;
		}

	}

	/**
	 * TLS settings of {@code wss://} connections. The hub's certificate and host name are
	 * always verified; without a bundle, against the JVM's trust store.
	 */
	public static class Ssl {

		/**
		 * Name of the Spring Boot SSL bundle (spring.ssl.bundle.*) holding the trust
		 * store for the hub's certificate and, for mutual TLS, the client's key store.
		 */
		private @Nullable String bundle;

		public @Nullable String getBundle() {
			return this.bundle;
		}

		public void setBundle(@Nullable String bundle) {
			this.bundle = bundle;
		}

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

	/**
	 * HTTP(S) proxy for every transport. Without a host, the JVM's proxy settings
	 * ({@code https.proxyHost}, {@code http.proxyHost}, {@code http.nonProxyHosts})
	 * apply.
	 */
	public static class Proxy {

		/**
		 * Host name of the proxy.
		 */
		private @Nullable String host;

		/**
		 * Port of the proxy.
		 */
		private int port = 3128;

		/**
		 * User name for the proxy's basic authentication.
		 */
		private @Nullable String username;

		/**
		 * Password for the proxy's basic authentication.
		 */
		private @Nullable String password;

		public @Nullable String getHost() {
			return this.host;
		}

		public void setHost(@Nullable String host) {
			this.host = host;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

		public @Nullable String getUsername() {
			return this.username;
		}

		public void setUsername(@Nullable String username) {
			this.username = username;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

	}

	/**
	 * HTTP transport settings: the hub's SockJS endpoint, and how often a client that
	 * fell back to HTTP tries WebSocket again.
	 */
	public static class Http {

		/**
		 * SockJS endpoint of the hub, for example http://localhost:8080/realtime-sockjs.
		 * By default derived from realtime.url: http(s) for ws(s) and '-sockjs' appended
		 * to the path.
		 */
		private @Nullable URI url;

		/**
		 * Delay after falling back to HTTP before WebSocket is probed again; it doubles
		 * after each failed probe.
		 */
		private Duration probeDelay = Duration.ofSeconds(30);

		/**
		 * Longest delay between two WebSocket probes while on HTTP.
		 */
		private Duration probeMaxDelay = Duration.ofMinutes(10);

		public @Nullable URI getUrl() {
			return this.url;
		}

		public void setUrl(@Nullable URI url) {
			this.url = url;
		}

		public Duration getProbeDelay() {
			return this.probeDelay;
		}

		public void setProbeDelay(Duration probeDelay) {
			this.probeDelay = probeDelay;
		}

		public Duration getProbeMaxDelay() {
			return this.probeMaxDelay;
		}

		public void setProbeMaxDelay(Duration probeMaxDelay) {
			this.probeMaxDelay = probeMaxDelay;
		}

	}

}

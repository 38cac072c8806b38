package dev.realtime.hub;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the reference hub, bound from {@code realtime.hub.*}.
 */
@ConfigurationProperties("realtime.hub")
public class HubProperties {

	/** Published in this repository: anyone can sign tokens with it. */
	static final String DEMO_JWT_SECRET = "demo-only-jwt-secret-do-not-use-in-production";

	/**
	 * Whether to run the hub's WebSocket endpoint.
	 */
	private boolean enabled = true;

	/**
	 * Path of the WebSocket endpoint.
	 */
	private String path = "/realtime";

	/**
	 * Where the hub keeps streams and accepted events: 'jdbc' (the application's
	 * DataSource) or 'memory' (lost on restart; for tests). Defaults to 'jdbc' when the
	 * application has a JdbcTemplate, else 'memory'.
	 */
	private @Nullable StoreType store;

	/**
	 * Accepted bearer tokens, mapped to the user each one authenticates.
	 */
	private Map<String, String> tokens = new LinkedHashMap<>();

	/**
	 * Handshake authentication with signed tokens, beside the static ones.
	 */
	private final Auth auth = new Auth();

	/**
	 * Maximum number of events in one resume_response page.
	 */
	private int resumePageSize = 500;

	/**
	 * Largest event payload accepted, as serialized JSON.
	 */
	private DataSize maxPayloadSize = DataSize.ofKilobytes(64);

	/**
	 * Largest text message, both received and sent (the protocol's frame limit).
	 */
	private DataSize maxFrameSize = DataSize.ofMegabytes(1);

	/**
	 * How long inbound stream events are kept for resume.
	 */
	private Duration retention = Duration.ofDays(7);

	/**
	 * How often events older than the retention window are purged.
	 */
	private Duration purgeInterval = Duration.ofMinutes(10);

	/**
	 * Number of malformed frames after which a session is closed with 4400.
	 */
	private int maxBadFrames = 5;

	/**
	 * Limit on the messages one connection may send; a connection over it is closed with
	 * 4008.
	 */
	private final RateLimit rateLimit = new RateLimit();

	/**
	 * How long a send to a slow session may block before the session is closed.
	 */
	private Duration sendTimeLimit = Duration.ofSeconds(10);

	/**
	 * How much outgoing data may queue for a slow session before it is closed.
	 */
	private DataSize sendBufferLimit = DataSize.ofMegabytes(8);

	/**
	 * Socket.IO endpoint of the hub, on a port of its own beside the WebSocket one.
	 */
	private final SocketIo socketio = new SocketIo();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getPath() {
		return this.path;
	}

	public void setPath(String path) {
		this.path = path;
	}

	public @Nullable StoreType getStore() {
		return this.store;
	}

	public void setStore(@Nullable StoreType store) {
		this.store = store;
	}

	public Map<String, String> getTokens() {
		return this.tokens;
	}

	public void setTokens(Map<String, String> tokens) {
		this.tokens = tokens;
	}

	public Auth getAuth() {
		return this.auth;
	}

	public int getResumePageSize() {
		return this.resumePageSize;
	}

	public void setResumePageSize(int resumePageSize) {
		this.resumePageSize = resumePageSize;
	}

	public DataSize getMaxPayloadSize() {
		return this.maxPayloadSize;
	}

	public void setMaxPayloadSize(DataSize maxPayloadSize) {
		this.maxPayloadSize = maxPayloadSize;
	}

	public DataSize getMaxFrameSize() {
		return this.maxFrameSize;
	}

	public void setMaxFrameSize(DataSize maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	public Duration getRetention() {
		return this.retention;
	}

	public void setRetention(Duration retention) {
		this.retention = retention;
	}

	public Duration getPurgeInterval() {
		return this.purgeInterval;
	}

	public void setPurgeInterval(Duration purgeInterval) {
		this.purgeInterval = purgeInterval;
	}

	public int getMaxBadFrames() {
		return this.maxBadFrames;
	}

	public void setMaxBadFrames(int maxBadFrames) {
		this.maxBadFrames = maxBadFrames;
	}

	public RateLimit getRateLimit() {
		return this.rateLimit;
	}

	public Duration getSendTimeLimit() {
		return this.sendTimeLimit;
	}

	public void setSendTimeLimit(Duration sendTimeLimit) {
		this.sendTimeLimit = sendTimeLimit;
	}

	public DataSize getSendBufferLimit() {
		return this.sendBufferLimit;
	}

	public void setSendBufferLimit(DataSize sendBufferLimit) {
		this.sendBufferLimit = sendBufferLimit;
	}

	public SocketIo getSocketio() {
		return this.socketio;
	}

	/**
	 * Settings of the Socket.IO endpoint (Socket.IO v4 clients, Engine.IO's WebSocket
	 * transport).
	 */
	public static class SocketIo {

		/**
		 * Whether to run the Socket.IO endpoint.
		 */
		private boolean enabled;

		/**
		 * Address the Socket.IO endpoint binds to; all interfaces when not set.
		 */
		private @Nullable String address;

		/**
		 * Port of the Socket.IO endpoint.
		 */
		private int port = 9092;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public @Nullable String getAddress() {
			return this.address;
		}

		public void setAddress(@Nullable String address) {
			this.address = address;
		}

		public int getPort() {
			return this.port;
		}

		public void setPort(int port) {
			this.port = port;
		}

	}

	/**
	 * Settings of the HS256 JWTs the hub accepts.
	 */
	public static class Auth {

		/**
		 * Shared HS256 secret the hub verifies JWTs with and the demo token endpoint
		 * signs them with, at least 32 bytes. The default is public and fit for the demo
		 * only.
		 */
		private String jwtSecret = DEMO_JWT_SECRET;

		/**
		 * Clock difference tolerated between the token issuer and the hub when checking
		 * exp and nbf.
		 */
		private Duration clockSkew = Duration.ofSeconds(5);

		public String getJwtSecret() {
			return this.jwtSecret;
		}

		public void setJwtSecret(String jwtSecret) {
			this.jwtSecret = jwtSecret;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

	}

	/**
	 * Settings of the per-connection rate limit. The defaults stay far above what the
	 * client library sends (it batches events when busy) and stop a client that floods.
	 */
	public static class RateLimit {

		/**
		 * Whether to close connections that send more text messages than allowed.
		 */
		private boolean enabled = true;

		/**
		 * Text messages one connection may send per second, on average.
		 */
		private int messagesPerSecond = 10_000;

		/**
		 * Text messages one connection may send at once after a quiet time.
		 */
		private int burst = 20_000;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMessagesPerSecond() {
			return this.messagesPerSecond;
		}

		public void setMessagesPerSecond(int messagesPerSecond) {
			this.messagesPerSecond = messagesPerSecond;
		}

		public int getBurst() {
			return this.burst;
		}

		public void setBurst(int burst) {
			this.burst = burst;
		}

	}

	/**
	 * Where the hub keeps its state.
	 */
	public enum StoreType {

		/** Tables of the application's DataSource (Flyway migrations in db/migration). */
		JDBC,

		/** The heap: lost on restart, for tests and throwaway hubs. */
		MEMORY

	}

}

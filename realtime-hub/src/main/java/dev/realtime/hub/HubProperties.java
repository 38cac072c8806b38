package dev.realtime.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Settings of the reference hub, bound from {@code realtime.hub.*}.
 */
@ConfigurationProperties("realtime.hub")
public class HubProperties {

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
	 * Static development tokens, mapped to the user each one authenticates. They never
	 * expire; the hub warns at startup while any is set.
	 */
	private Map<String, String> tokens = new LinkedHashMap<>();

	/**
	 * Handshake authentication with JWTs, beside the static development tokens.
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
	 * Who may join which room, when the application declares no RoomAuthorizer bean.
	 */
	private final Rooms rooms = new Rooms();

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

	public Rooms getRooms() {
		return this.rooms;
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
	 * Settings of the JWTs the hub accepts at the handshake: signed by an issuer's keys
	 * (issuer-uri or jwk-set-uri, RS256 or ES256) or, for development, with a shared
	 * HS256 secret. An application's own JwtDecoder bean is used when none of issuer-uri,
	 * jwk-set-uri and jwt-secret is set.
	 */
	public static class Auth {

		/**
		 * URI of the token issuer: the hub finds its JWK Set through OpenID Connect
		 * discovery (unless jwk-set-uri is set) and accepts only tokens whose iss claim
		 * is this URI.
		 */
		private @Nullable String issuerUri;

		/**
		 * URI of the JWK Set holding the issuer's public keys. Keys are fetched when a
		 * token names an unknown kid and at least every 5 minutes.
		 */
		private @Nullable String jwkSetUri;

		/**
		 * Signature algorithms accepted with issuer-uri or jwk-set-uri, for example RS256
		 * and ES256.
		 */
		private List<String> jwsAlgorithms = new ArrayList<>(List.of("RS256"));

		/**
		 * Audiences of which a token's aud claim must name at least one; not checked when
		 * empty.
		 */
		private List<String> audiences = new ArrayList<>();

		/**
		 * Shared HS256 secret the hub verifies JWTs with, at least 32 bytes; for
		 * development, instead of issuer-uri or jwk-set-uri.
		 */
		private @Nullable String jwtSecret;

		/**
		 * Claim of a JWT holding the user id the handshake's user_id must match.
		 */
		private String userIdClaim = "sub";

		/**
		 * Clock difference tolerated between the token issuer and the hub when checking
		 * exp and nbf; a session is closed with 4001 this long after its token's exp.
		 */
		private Duration clockSkew = Duration.ofSeconds(5);

		public @Nullable String getIssuerUri() {
			return this.issuerUri;
		}

		public void setIssuerUri(@Nullable String issuerUri) {
			this.issuerUri = issuerUri;
		}

		public @Nullable String getJwkSetUri() {
			return this.jwkSetUri;
		}

		public void setJwkSetUri(@Nullable String jwkSetUri) {
			this.jwkSetUri = jwkSetUri;
		}

		public List<String> getJwsAlgorithms() {
			return this.jwsAlgorithms;
		}

		public void setJwsAlgorithms(List<String> jwsAlgorithms) {
			this.jwsAlgorithms = jwsAlgorithms;
		}

		public List<String> getAudiences() {
			return this.audiences;
		}

		public void setAudiences(List<String> audiences) {
			this.audiences = audiences;
		}

		public @Nullable String getJwtSecret() {
			return this.jwtSecret;
		}

		public void setJwtSecret(@Nullable String jwtSecret) {
			this.jwtSecret = jwtSecret;
		}

		public String getUserIdClaim() {
			return this.userIdClaim;
		}

		public void setUserIdClaim(String userIdClaim) {
			this.userIdClaim = userIdClaim;
		}

		public Duration getClockSkew() {
			return this.clockSkew;
		}

		public void setClockSkew(Duration clockSkew) {
			this.clockSkew = clockSkew;
		}

	}

	/**
	 * Rooms any authenticated user may join, used by the default RoomAuthorizer.
	 */
	public static class Rooms {

		/**
		 * Names of the rooms any user may join, or simple patterns with '*' (such as
		 * 'public:*', or '*' for every room). Empty: every join is refused unless the
		 * application declares a RoomAuthorizer bean.
		 */
		private List<String> open = new ArrayList<>();

		public List<String> getOpen() {
			return this.open;
		}

		public void setOpen(List<String> open) {
			this.open = open;
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
		 * Text messages (frames or batches) one connection may send per second, on
		 * average.
		 */
		private int messagesPerSecond = 1_000;

		/**
		 * Text messages one connection may send at once after a quiet time.
		 */
		private int burst = 2_000;

		/**
		 * Events one connection may send per second, on average, counting each event of a
		 * batch.
		 */
		private int eventsPerSecond = 10_000;

		/**
		 * Events one connection may send at once after a quiet time. A single message may
		 * carry more: it passes when the connection has any left, and the excess is paid
		 * back before the next one.
		 */
		private int eventBurst = 20_000;

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

		public int getEventsPerSecond() {
			return this.eventsPerSecond;
		}

		public void setEventsPerSecond(int eventsPerSecond) {
			this.eventsPerSecond = eventsPerSecond;
		}

		public int getEventBurst() {
			return this.eventBurst;
		}

		public void setEventBurst(int eventBurst) {
			this.eventBurst = eventBurst;
		}

	}

	/**
	 * Where the hub keeps its state.
	 */
	public enum StoreType {

		/**
		 * Tables of the application's DataSource (the hub runs its own Flyway
		 * migrations).
		 */
		JDBC,

		/** The heap: lost on restart, for tests and throwaway hubs. */
		MEMORY

	}

}

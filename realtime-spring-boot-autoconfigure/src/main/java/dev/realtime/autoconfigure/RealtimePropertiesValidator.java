package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;

import dev.realtime.auth.OAuth2TokenProvider.GrantType;
import dev.realtime.protocol.UserIds;

/**
 * The rules on the library's configuration properties, each failure naming the property
 * to fix. Each auto-configuration checks the properties it uses before it uses them.
 * Rules that need other beans (an SSL bundle, a client registration) stay where those
 * beans are looked up; the client's own types check their arguments too, and
 * {@link #check} reports their failures under the property that set them.
 */
final class RealtimePropertiesValidator {

	/** Smallest frame limit: a resume answer or an ack must always fit. */
	private static final long MIN_FRAME_SIZE = 1024;

	private RealtimePropertiesValidator() {
	}

	/**
	 * Check the hub's URL, which the client needs to connect.
	 * @param properties the client's properties
	 * @return the URL
	 */
	static URI requireUrl(RealtimeProperties properties) {
		URI url = properties.getUrl();
		if (url == null) {
			throw new InvalidConfigurationPropertyValueException("realtime.url", null,
					"the hub's WebSocket endpoint is required, for example ws://localhost:8080/realtime "
							+ "(or set realtime.enabled=false)");
		}
		if (properties.getTransport() == RealtimeProperties.TransportType.SOCKETIO) {
			if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
				throw new InvalidConfigurationPropertyValueException("realtime.url", url,
						"must be an http:// or https:// URL with realtime.transport=socketio, for example "
								+ "http://localhost:3000 (its path names the Socket.IO namespace)");
			}
			return url;
		}
		if (!"ws".equals(url.getScheme()) && !"wss".equals(url.getScheme())) {
			throw new InvalidConfigurationPropertyValueException("realtime.url", url, "must be a ws:// or wss:// URL");
		}
		return url;
	}

	/**
	 * Check the user the client acts for.
	 * @param properties the client's properties
	 * @return the user id
	 */
	static String requireUserId(RealtimeProperties properties) {
		String userId = properties.getUserId();
		if (userId == null) {
			throw new InvalidConfigurationPropertyValueException("realtime.user-id", null,
					"the user the application's own client acts for is required (or leave it unset and "
							+ "connect users through RealtimeClients)");
		}
		return check("realtime.user-id", userId, () -> UserIds.validate(userId));
	}

	/**
	 * Check the frame limit, which the transport and the client both apply.
	 * @param properties the client's properties
	 * @return the limit in bytes
	 */
	static int validateMaxFrameSize(RealtimeProperties properties) {
		long maxFrameSize = properties.getMaxFrameSize().toBytes();
		if (maxFrameSize < MIN_FRAME_SIZE || maxFrameSize > Integer.MAX_VALUE) {
			throw new InvalidConfigurationPropertyValueException("realtime.max-frame-size",
					properties.getMaxFrameSize(), "must be between 1KB and 2GB");
		}
		return (int) maxFrameSize;
	}

	/**
	 * Check that the properties select exactly one way to authenticate, with what it
	 * needs.
	 * @param properties the authentication properties
	 */
	static void validate(RealtimeAuthProperties properties) {
		int sources = count(properties.getToken(), properties.getTokenUri(), properties.getRegistrationId());
		if (sources > 1) {
			throw new InvalidConfigurationPropertyValueException("realtime.auth.token-uri", properties.getTokenUri(),
					"set only one of realtime.auth.token, realtime.auth.token-uri and realtime.auth.registration-id");
		}
		if (properties.getTokenUri() == null) {
			if (count(properties.getClientId(), properties.getClientSecret(), properties.getRefreshToken()) > 0) {
				throw new InvalidConfigurationPropertyValueException("realtime.auth.token-uri", null,
						"required when realtime.auth.client-id, client-secret or refresh-token is set");
			}
		}
		else {
			if (properties.getClientId() == null) {
				throw new InvalidConfigurationPropertyValueException("realtime.auth.client-id", null,
						"required with realtime.auth.token-uri");
			}
			boolean refreshGrant = properties.getGrantType() == GrantType.REFRESH_TOKEN;
			if (refreshGrant && properties.getRefreshToken() == null) {
				throw new InvalidConfigurationPropertyValueException("realtime.auth.refresh-token", null,
						"required with realtime.auth.grant-type=refresh_token");
			}
			if (!refreshGrant && properties.getRefreshToken() != null) {
				throw new InvalidConfigurationPropertyValueException("realtime.auth.grant-type",
						properties.getGrantType(), "must be refresh_token when realtime.auth.refresh-token is set");
			}
		}
		if (properties.getRefreshBeforeExpiry().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("realtime.auth.refresh-before-expiry",
					properties.getRefreshBeforeExpiry(), "must not be negative");
		}
		requirePositive("realtime.auth.timeout", properties.getTimeout());
	}

	/**
	 * Check the typing indicator timings.
	 * @param properties the typing indicator properties
	 */
	static void validate(RealtimeTypingProperties properties) {
		requirePositive("realtime.typing.expiry", properties.getExpiry());
		if (properties.getThrottle().isNegative()) {
			throw new InvalidConfigurationPropertyValueException("realtime.typing.throttle", properties.getThrottle(),
					"must not be negative");
		}
	}

	/**
	 * Run what builds one of the client's own types, reporting an argument it refuses
	 * under the property that set it.
	 * @param <T> the type built
	 * @param name the name of the property, for the report
	 * @param value the value of the property, for the report
	 * @param action builds the value
	 * @return what the action built
	 */
	static <T> T check(String name, Object value, Supplier<T> action) {
		try {
			return action.get();
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(name, value, ex.getMessage());
		}
	}

	/**
	 * Return the id naming this instance in leases: the configured one, checked, or a
	 * random one.
	 * @param properties the client's properties
	 * @return the instance id
	 */
	static String instanceId(RealtimeProperties properties) {
		String id = properties.getOutbox().getInstanceId();
		if (id == null) {
			return UUID.randomUUID().toString();
		}
		if (id.isBlank() || id.length() > 64) {
			throw new InvalidConfigurationPropertyValueException("realtime.outbox.instance-id", id,
					"must be 1 to 64 characters, not blank");
		}
		return id;
	}

	private static void requirePositive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(name, value, "must be positive");
		}
	}

	private static int count(@Nullable Object... values) {
		int set = 0;
		for (Object value : values) {
			if (value != null && !value.toString().isBlank()) {
				set++;
			}
		}
		return set;
	}

}

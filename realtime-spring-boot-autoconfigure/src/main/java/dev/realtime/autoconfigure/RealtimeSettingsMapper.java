package dev.realtime.autoconfigure;

import java.net.URI;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.ClientSettings;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.protocol.UserIds;

/**
 * Maps properties to settings, naming the offending property when a value is invalid.
 */
final class RealtimeSettingsMapper {

	private RealtimeSettingsMapper() {
	}

	/**
	 * Map the properties to the settings of any user's client, checking now what the
	 * properties alone decide.
	 * @param properties the client's properties
	 * @param authProperties the authentication properties
	 * @param connectionDetails where the hub is, if the application says so apart from
	 * {@code realtime.url}
	 * @return the settings of a user, or an {@link IllegalArgumentException} for an
	 * invalid user id
	 */
	static Function<String, ClientSettings> forUsers(RealtimeProperties properties,
			RealtimeAuthProperties authProperties, @Nullable RealtimeConnectionDetails connectionDetails) {
		URI url = (connectionDetails != null) ? connectionDetails.getUrl()
				: RealtimePropertiesValidator.requireUrl(properties);
		int maxFrameSize = RealtimePropertiesValidator.validateMaxFrameSize(properties);
		ReconnectProperties reconnect = properties.getReconnect();
		ExponentialBackoff backoff = RealtimePropertiesValidator.check("realtime.reconnect",
				reconnect.getInitialDelay() + ".." + reconnect.getMaxDelay() + " jitter " + reconnect.getJitter(),
				() -> new ExponentialBackoff(reconnect.getInitialDelay(), reconnect.getMaxDelay(),
						reconnect.getJitter()));
		return (userId) -> {
			UserIds.validate(userId);
			return RealtimePropertiesValidator.check("realtime", "(see reason)",
					() -> ClientSettings.builder(url, userId)
						.connectTimeout(properties.getConnectTimeout())
						.reconnect(backoff, reconnect.getMaxRetries())
						.heartbeat(properties.getHeartbeat().getInterval(), properties.getHeartbeat().getTimeout())
						.defaultDeliveryStrategy(properties.getDeliveryStrategy())
						.batchSize(properties.getBatch().getSize())
						.maxFrameSize(maxFrameSize)
						.maxInFlight(properties.getOutbox().getMaxInFlight())
						.pollInterval(properties.getOutbox().getPollInterval())
						.inboxMaxAttempts(properties.getInbox().getMaxAttempts())
						.maxAuthFailures(authProperties.getMaxFailures())
						.build());
		};
	}

}

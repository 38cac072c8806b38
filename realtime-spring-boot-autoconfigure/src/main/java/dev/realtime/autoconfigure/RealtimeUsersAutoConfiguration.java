package dev.realtime.autoconfigure;

import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.actuate.RealtimeUsersHealthIndicator;
import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenProvider;
import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.LocalUserAssignments;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.listener.RealtimeListenerAnnotationBeanPostProcessor;
import dev.realtime.metrics.RealtimeUsersMeterBinder;
import dev.realtime.presence.PresenceManager;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.typing.TypingManager;
import dev.realtime.users.DefaultRealtimeClients;
import dev.realtime.users.RealtimeClientFactory;
import dev.realtime.users.RealtimeClients;

/**
 * Auto-configuration of {@link RealtimeClients}: users connected at runtime, a client per
 * user built like the client of {@code realtime.user-id} (by the same
 * {@link RealtimeClientFactory}; an application that acts only for its users leaves
 * {@code realtime.user-id} unset and has no client of its own), with tokens from the
 * application's {@link UserTokenProvider}, placed by a {@link UserAssignments} (every
 * user on this instance unless a database-backed one is configured), and a health
 * component and meters for all of them.
 */
@AutoConfiguration(
		after = { RealtimeAutoConfiguration.class, RealtimePresenceAutoConfiguration.class,
				RealtimeInboxAutoConfiguration.class },
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnRealtimeEnabled
@ConditionalOnBean(RealtimeClientFactory.class)
@EnableConfigurationProperties({ RealtimeUsersProperties.class, RealtimeTypingProperties.class,
		RealtimeMetricsProperties.class, RealtimeHealthProperties.class })
public final class RealtimeUsersAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RealtimeUsersAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	UserAssignments realtimeUserAssignments() {
		return new LocalUserAssignments();
	}

	@Bean
	@ConditionalOnMissingBean(RealtimeClients.class)
	DefaultRealtimeClients realtimeClients(RealtimeClientFactory factory, ObjectProvider<ClientSettings> ownSettings,
			RealtimeProperties clientProperties, RealtimeAuthProperties authProperties,
			ObjectProvider<TokenProvider> tokenProvider, ObjectProvider<UserTokenProvider> userTokenProvider,
			UserAssignments assignments, FrameCodec codec, ObjectProvider<ReceiptStore> receiptStore,
			RealtimeTypingProperties typing, ObjectProvider<RealtimeListenerAnnotationBeanPostProcessor> listeners,
			ApplicationEventPublisher publisher, RealtimeUsersProperties properties,
			ObjectProvider<RealtimeClient> defaultClient, ObjectProvider<PresenceManager> presence,
			ObjectProvider<TypingManager> typingManager, ObjectProvider<ReadReceiptManager> receipts,
			ObjectProvider<RealtimeConnectionDetails> connectionDetails) {
		RealtimePropertiesValidator.validate(typing);
		ClientSettings own = ownSettings.getIfUnique();
		Function<String, ClientSettings> settings;
		if (own != null) {
			settings = (userId) -> own.toBuilder().userId(userId).build();
		}
		else {
			logger.info("realtime.user-id is not set: the application has no realtime client of its own and "
					+ "acts for the users it connects through RealtimeClients");
			settings = RealtimeSettingsMapper.forUsers(clientProperties, authProperties,
					connectionDetails.getIfAvailable());
		}
		DefaultRealtimeClients.Features features = new DefaultRealtimeClients.Features(codec.mapper(),
				receiptStore.getIfUnique(InMemoryReceiptStore::new), typing.getExpiry(), typing.getThrottle(),
				presence::getIfUnique, typingManager::getIfUnique, receipts::getIfUnique);
		RealtimeListenerAnnotationBeanPostProcessor listenerMethods = listeners.getIfAvailable();
		DefaultRealtimeClients.UserClientSource clientSource = new DefaultRealtimeClients.UserClientSource(factory,
				settings, userTokens(userTokenProvider.getIfUnique(), tokenProvider.getIfUnique()));
		return new DefaultRealtimeClients(clientSource, assignments, features,
				(listenerMethods != null) ? listenerMethods::attach : null, publisher, properties.getFlushTimeout(),
				defaultClient::getIfUnique);
	}

	/**
	 * Where each user's token comes from: the application's {@link UserTokenProvider};
	 * without one, no token at all when the application configured none for
	 * {@code realtime.user-id} either (a hub that needs no token), else a clear error.
	 * @param userTokens the application's user token provider, if any
	 * @param defaultTokens the token provider of {@code realtime.user-id}, if any
	 * @return the token provider of a user, or an {@link IllegalStateException}
	 */
	static Function<String, TokenProvider> userTokens(@Nullable UserTokenProvider userTokens,
			@Nullable TokenProvider defaultTokens) {
		if (userTokens != null) {
			return userTokens::forUser;
		}
		if (defaultTokens == null
				|| (defaultTokens instanceof StaticTokenProvider statics && statics.getToken() == null)) {
			StaticTokenProvider none = new StaticTokenProvider(null);
			return (userId) -> none;
		}
		return (userId) -> {
			throw new IllegalStateException("User '" + userId + "' needs a token of its own and the application has "
					+ "no UserTokenProvider bean: declare one that returns any user's token "
					+ "(realtime.auth.* and the TokenProvider bean are for realtime.user-id only)");
		};
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(MeterRegistry.class)
	@ConditionalOnBean(MeterRegistry.class)
	static class UsersMetricsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		RealtimeUsersMeterBinder realtimeUsersMeterBinder(ObjectProvider<DefaultRealtimeClients> clients,
				RealtimeMetricsProperties properties) {
			DefaultRealtimeClients registry = clients.getIfUnique();
			RealtimeUsersMeterBinder binder = new RealtimeUsersMeterBinder(UserClients.of(clients)::get,
					properties.isUserTag(), properties.getMaxTaggedUsers(), properties.getStoreCountsTtl());
			if (registry != null) {
				registry.addObserver(new DefaultRealtimeClients.Observer() {

					@Override
					public void added(ObservableClient client) {
						binder.added(client);
					}

					@Override
					public void removed(ObservableClient client) {
						binder.removed(client);
					}

				});
			}
			return binder;
		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(HealthIndicator.class)
	@ConditionalOnEnabledHealthIndicator("realtime")
	static class UsersHealthConfiguration {

		@Bean
		@ConditionalOnMissingBean(name = "realtimeUsersHealthIndicator")
		RealtimeUsersHealthIndicator realtimeUsersHealthIndicator(ObjectProvider<DefaultRealtimeClients> clients,
				RealtimeHealthProperties properties) {
			return new RealtimeUsersHealthIndicator(UserClients.of(clients), properties.thresholds());
		}

	}

}

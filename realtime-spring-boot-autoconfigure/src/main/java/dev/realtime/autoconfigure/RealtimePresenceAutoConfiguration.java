package dev.realtime.autoconfigure;

import java.time.Clock;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.presence.PresenceManager;
import dev.realtime.privacy.PrivacyAnnouncer;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.typing.TypingManager;

/**
 * Auto-configuration of presence, typing indicators, read receipts and privacy settings
 * for the application's realtime client: a {@link PresenceManager}, a
 * {@link TypingManager} and a {@link ReadReceiptManager}, with receipts kept in the
 * application's database beside the outbox and the inbox (see
 * {@link RealtimeOutboxAutoConfiguration}), else in memory.
 */
@AutoConfiguration(after = RealtimeAutoConfiguration.class,
		afterName = { "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnRealtimeEnabled
@EnableConfigurationProperties({ RealtimePrivacyProperties.class, RealtimeTypingProperties.class })
@Import({ ReceiptStoreConfigurations.Jdbc.class, ReceiptStoreConfigurations.InMemory.class })
public final class RealtimePresenceAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PrivacySettings realtimePrivacySettings(RealtimePrivacyProperties properties) {
		return new PrivacySettings(properties.isTypingIndicators(), properties.isReadReceipts());
	}

	@Bean
	@ConditionalOnSingleCandidate(RealtimeClient.class)
	@ConditionalOnMissingBean
	ReadReceiptManager realtimeReadReceiptManager(RealtimeClient client, ReceiptStore store, PrivacySettings privacy) {
		return new ReadReceiptManager(client, store, privacy, Clock.systemUTC());
	}

	/**
	 * Presence, typing and privacy ride on meta signals: any client that carries them
	 * gets them, the default one or the application's own.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnSingleCandidate(MetaSignalClient.class)
	static class MetaSignalsConfiguration {

		@Bean
		@ConditionalOnMissingBean
		PrivacyAnnouncer realtimePrivacyAnnouncer(MetaSignalClient client, PrivacySettings privacy) {
			return new PrivacyAnnouncer(client, privacy);
		}

		@Bean
		@ConditionalOnMissingBean
		PresenceManager realtimePresenceManager(MetaSignalClient client, FrameCodec codec) {
			return new PresenceManager(client, codec.mapper(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		TypingManager realtimeTypingManager(MetaSignalClient client, PrivacySettings privacy,
				RealtimeTypingProperties properties) {
			RealtimePropertiesValidator.validate(properties);
			return new TypingManager(client, privacy, properties.getExpiry(), properties.getThrottle(),
					Clock.systemUTC());
		}

	}

}

package dev.realtime.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import javax.sql.DataSource;

import org.h2.Driver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.presence.PresenceManager;
import dev.realtime.privacy.PrivacyAnnouncer;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.JdbcReceiptStore;
import dev.realtime.receipts.ReadReceipt;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.test.RealtimeSchema;
import dev.realtime.typing.TypingManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimePresenceAutoConfiguration}.
 */
class RealtimePresenceAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimePresenceAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false");

	@Test
	void providesManagersForTheClientWithEverythingShared() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(PresenceManager.class)
				.hasSingleBean(TypingManager.class)
				.hasSingleBean(ReadReceiptManager.class)
				.hasSingleBean(PrivacyAnnouncer.class);
			assertThat(context.getBean(PrivacySettings.class)).isEqualTo(PrivacySettings.SHARE_ALL);
			assertThat(context.getBean(ReceiptStore.class)).isInstanceOf(InMemoryReceiptStore.class);
			RealtimeTypingProperties typing = context.getBean(RealtimeTypingProperties.class);
			assertThat(typing.getExpiry()).isEqualTo(Duration.ofSeconds(5));
			assertThat(typing.getThrottle()).isEqualTo(Duration.ofSeconds(2));
		});
	}

	@Test
	void bindsPrivacyAndTypingProperties() {
		this.runner
			.withPropertyValues("realtime.privacy.typing-indicators=false", "realtime.privacy.read-receipts=false",
					"realtime.typing.expiry=1s", "realtime.typing.throttle=500ms")
			.run((context) -> {
				assertThat(context.getBean(PrivacySettings.class)).isEqualTo(new PrivacySettings(false, false));
				assertThat(context.getBean(PrivacyAnnouncer.class).settings())
					.isEqualTo(new PrivacySettings(false, false));
				RealtimeTypingProperties typing = context.getBean(RealtimeTypingProperties.class);
				assertThat(typing.getExpiry()).isEqualTo(Duration.ofSeconds(1));
				assertThat(typing.getThrottle()).isEqualTo(Duration.ofMillis(500));
				// disabled: a no-op that sends nothing, without needing a connection
				assertThat(context.getBean(ReadReceiptManager.class).sendReadReceipt("m-1", "general")).isEmpty();
				assertThat(context.getBean(TypingManager.class).sendTypingIndicator("general", true))
					.isCompletedWithValue(false);
				assertThat(context.getBean(DefaultRealtimeClient.class).pendingCount()).isZero();
			});
	}

	@Test
	void failsNamingThePropertyWhenTypingExpiryIsNotPositive() {
		this.runner.withPropertyValues("realtime.typing.expiry=0s")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.typing.expiry"));
	}

	@Test
	void keepsReceiptsInTheApplicationsDatabaseWithoutJpa() {
		this.runner
			.withConfiguration(
					AutoConfigurations.of(TransactionAutoConfiguration.class, RealtimeOutboxAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("jakarta.persistence", "org.hibernate"))
			.withUserConfiguration(H2Configuration.class)
			.run((context) -> {
				assertThat(context).hasSingleBean(ReceiptStore.class);
				ReceiptStore store = context.getBean(ReceiptStore.class);
				assertThat(store).isInstanceOf(JdbcReceiptStore.class);
				ReadReceipt receipt = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05Z"));
				assertThat(store.save("alice", receipt)).isTrue();
				assertThat(store.save("alice", receipt)).isFalse();
				assertThat(store.findByMessage("alice", "m-1")).containsExactly(receipt);
				assertThat(store.exists("alice", "m-1", "bob")).isTrue();
				assertThat(store.exists("carol", "m-1", "bob")).isFalse();
			});
	}

	@Test
	void keepsReceiptsInMemoryOnlyWhenAsked() {
		this.runner.withConfiguration(AutoConfigurations.of(RealtimeOutboxAutoConfiguration.class))
			.withUserConfiguration(H2Configuration.class)
			.withPropertyValues("realtime.outbox.store=memory")
			.run((context) -> assertThat(context.getBean(ReceiptStore.class)).isInstanceOf(InMemoryReceiptStore.class));
	}

	@Test
	void backsOffWhenUserDefinesManagersAndStore() {
		this.runner.withUserConfiguration(CustomConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(PresenceManager.class)
				.hasBean("myPresence")
				.hasSingleBean(ReceiptStore.class)
				.hasBean("myReceipts")
				.hasSingleBean(PrivacySettings.class)
				.hasBean("myPrivacy");
			assertThat(context.getBean(TypingManager.class)).isNotNull();
			assertThat(context.getBean(PrivacyAnnouncer.class).settings()).isEqualTo(new PrivacySettings(true, false));
		});
	}

	@Test
	void doesNothingWhenRealtimeIsDisabled() {
		this.runner.withPropertyValues("realtime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(PresenceManager.class)
				.doesNotHaveBean(TypingManager.class)
				.doesNotHaveBean(ReadReceiptManager.class)
				.doesNotHaveBean(ReceiptStore.class));
	}

	/**
	 * An application with an H2 database, migrated with the library's scripts (also
	 * migrated by the library's migrator, if present: a no-op then).
	 */
	@Configuration(proxyBeanMethods = false)
	static class H2Configuration {

		@Bean
		DataSource dataSource() {
			SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new Driver(),
					"jdbc:h2:mem:receipts" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
			RealtimeSchema.migrate(dataSource);
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomConfiguration {

		@Bean
		PresenceManager myPresence(DefaultRealtimeClient client) {
			return new PresenceManager(client, JsonMapper.builder().build(), Clock.systemUTC());
		}

		@Bean
		ReceiptStore myReceipts() {
			return new InMemoryReceiptStore();
		}

		@Bean
		PrivacySettings myPrivacy() {
			return new PrivacySettings(true, false);
		}

	}

}

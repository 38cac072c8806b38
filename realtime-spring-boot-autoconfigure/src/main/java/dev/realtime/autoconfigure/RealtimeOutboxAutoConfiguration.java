package dev.realtime.autoconfigure;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.outbox.JdbcOutboundQueueFactory;
import dev.realtime.outbox.JdbcUserAssignments;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.schema.RealtimeSchemaMigrator;

/**
 * Auto-configuration of the durable stores: when the application has a {@link DataSource}
 * (and {@code realtime.outbox.store} is not {@code memory}), the library's schema is
 * migrated at startup and the client's outbound queues live in the database, through
 * plain JDBC; the inbox and the receipt store follow
 * ({@link RealtimeInboxAutoConfiguration}, {@link RealtimePresenceAutoConfiguration}).
 * JPA is not needed. Several DataSources with none primary stop the application rather
 * than leave its events in memory.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnRealtimeEnabled
@EnableConfigurationProperties({ RealtimeProperties.class, RealtimeSchemaProperties.class })
public final class RealtimeOutboxAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RealtimeOutboxAutoConfiguration.class);

	private static final String STORE = "realtime.outbox.store";

	private RealtimeOutboxAutoConfiguration() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(DataSource.class)
	@ConditionalOnProperty(name = STORE, havingValue = "jdbc", matchIfMissing = true)
	static class JdbcStoreConfiguration {

		@Bean
		RealtimeStoreDataSource realtimeStoreDataSource(ListableBeanFactory beanFactory,
				ObjectProvider<DataSource> dataSources) {
			DataSource dataSource = dataSources.getIfUnique();
			List<String> names = Arrays.asList(beanFactory.getBeanNamesForType(DataSource.class));
			if (dataSource == null) {
				throw new RealtimeStoreUnavailableException(
						"The realtime outbox, inbox and read receipts need one DataSource, but the application has "
								+ names.size() + " and none is primary: " + names,
						"Mark the DataSource that should hold the realtime tables @Primary, or set " + STORE
								+ "=memory to keep them in memory (pending events are then lost on restart)");
			}
			String name = names.stream()
				.filter((candidate) -> beanFactory.getBean(candidate, DataSource.class) == dataSource)
				.findFirst()
				.orElse("dataSource");
			return new RealtimeStoreDataSource(dataSource, name);
		}

		@Bean
		@ConditionalOnMissingBean(OutboundQueueFactory.class)
		JdbcOutboundQueueFactory realtimeOutboundQueueFactory(RealtimeStoreDataSource store,
				ObjectProvider<JsonMapper> jsonMapper, RealtimeProperties properties) {
			logger.info("Realtime outbox, inbox and read receipts are in the database of DataSource '"
					+ store.beanName() + "' (JDBC); " + STORE + "=memory would keep them in memory");
			OutboxProperties outbox = properties.getOutbox();
			return new JdbcOutboundQueueFactory(store.dataSource(), jsonMapper.getIfAvailable(JsonMapper::new),
					outbox.getMaxSize(), outbox.getLeaseDuration(), outbox.getWriteTimeout(),
					RealtimePropertiesValidator.instanceId(properties), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnBean(JdbcOutboundQueueFactory.class)
		@ConditionalOnMissingBean(UserAssignments.class)
		JdbcUserAssignments realtimeUserAssignments(JdbcOutboundQueueFactory queues,
				ObjectProvider<JsonMapper> jsonMapper, RealtimeProperties properties) {
			return new JdbcUserAssignments(queues, jsonMapper.getIfAvailable(JsonMapper::new),
					properties.getOutbox().getPollInterval());
		}

		@Bean
		@ConditionalOnBean(JdbcOutboundQueueFactory.class)
		@ConditionalOnMissingBean
		OutboxDeadLetters realtimeOutboxDeadLetters(JdbcOutboundQueueFactory queues) {
			return new OutboxDeadLetters(queues);
		}

		@Configuration(proxyBeanMethods = false)
		@ConditionalOnClass(name = "org.flywaydb.core.Flyway")
		@ConditionalOnProperty(prefix = "realtime.schema", name = "enabled", matchIfMissing = true)
		static class SchemaConfiguration {

			@Bean
			@ConditionalOnMissingBean
			RealtimeSchemaMigrator realtimeSchemaMigrator(RealtimeStoreDataSource store) {
				return new RealtimeSchemaMigrator(store.dataSource());
			}

		}

	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnMissingBean(DataSource.class)
	@ConditionalOnProperty(name = STORE, havingValue = "jdbc")
	static class JdbcStoreWithoutDataSourceConfiguration {

		@Bean
		RealtimeStoreDataSource realtimeStoreDataSource() {
			throw new RealtimeStoreUnavailableException(
					STORE + "=jdbc keeps the realtime outbox, inbox and read receipts in the application's "
							+ "DataSource, but the application has none",
					"Add a DataSource (spring-boot-starter-jdbc, your database's driver and spring.datasource.url), "
							+ "or remove " + STORE + " to keep them in memory without one");
		}

	}

}

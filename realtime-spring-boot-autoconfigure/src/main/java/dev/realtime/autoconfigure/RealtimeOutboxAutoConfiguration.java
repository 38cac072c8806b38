package dev.realtime.autoconfigure;

import java.time.Clock;

import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;
import org.hibernate.cfg.SchemaToolingSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.hibernate.autoconfigure.HibernatePropertiesCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.outbox.JdbcOutboundQueueFactory;
import dev.realtime.outbox.JdbcUserAssignments;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.schema.LibraryTablesSchemaFilterProvider;
import dev.realtime.schema.RealtimeSchemaMigrator;

/**
 * Auto-configuration of the JPA outbox: when the application has a JPA persistence unit,
 * the library's schema is migrated at startup, its entities join the persistence unit and
 * the client's outbound queues live in the database.
 */
@AutoConfiguration(afterName = { "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
		"org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
		"org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
		"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnClass(name = { "jakarta.persistence.EntityManagerFactory", "org.hibernate.Session",
		"org.springframework.orm.jpa.SharedEntityManagerCreator" })
@ConditionalOnBean({ DataSource.class, EntityManagerFactory.class })
@ConditionalOnRealtimeEnabled
@EnableConfigurationProperties({ RealtimeProperties.class, RealtimeSchemaProperties.class })
public final class RealtimeOutboxAutoConfiguration {

	@Bean
	@ConditionalOnProperty(prefix = "realtime.schema", name = "enabled", matchIfMissing = true)
	HibernatePropertiesCustomizer realtimeSchemaFilter() {
		// an application's own filter wins; then it must leave realtime_* tables alone
		// itself
		return (properties) -> properties.putIfAbsent(SchemaToolingSettings.HBM2DDL_FILTER_PROVIDER,
				LibraryTablesSchemaFilterProvider.class.getName());
	}

	@Bean
	static RealtimeManagedTypesPostProcessor realtimeManagedTypesPostProcessor(ResourceLoader resourceLoader) {
		return new RealtimeManagedTypesPostProcessor(resourceLoader);
	}

	@Bean
	@ConditionalOnMissingBean(OutboundQueueFactory.class)
	@ConditionalOnSingleCandidate(DataSource.class)
	JdbcOutboundQueueFactory realtimeOutboundQueueFactory(DataSource dataSource, ObjectProvider<JsonMapper> jsonMapper,
			RealtimeProperties properties) {
		RealtimeProperties.Outbox outbox = properties.getOutbox();
		return new JdbcOutboundQueueFactory(dataSource, jsonMapper.getIfAvailable(JsonMapper::new), outbox.getMaxSize(),
				outbox.getLeaseDuration(), outbox.getWriteTimeout(), RealtimePropertiesValidator.instanceId(properties),
				Clock.systemUTC());
	}

	@Bean
	@ConditionalOnBean(JdbcOutboundQueueFactory.class)
	@ConditionalOnMissingBean(UserAssignments.class)
	JdbcUserAssignments realtimeUserAssignments(JdbcOutboundQueueFactory queues, ObjectProvider<JsonMapper> jsonMapper,
			RealtimeProperties properties) {
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
		@ConditionalOnSingleCandidate(DataSource.class)
		RealtimeSchemaMigrator realtimeSchemaMigrator(DataSource dataSource) {
			return new RealtimeSchemaMigrator(dataSource);
		}

	}

}

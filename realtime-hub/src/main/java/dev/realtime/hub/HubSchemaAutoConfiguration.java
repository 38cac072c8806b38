package dev.realtime.hub;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;

import dev.realtime.hub.schema.HubSchemaMigrator;

/**
 * Auto-configuration of the {@link HubSchemaMigrator}: the hub's tables on the
 * application's {@code DataSource}, migrated from the hub's own scripts with their own
 * history table, whether or not the application uses Flyway itself.
 */
@AutoConfiguration(before = HubAutoConfiguration.class,
		afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "realtime.hub.enabled", matchIfMissing = true)
@ConditionalOnClass(Flyway.class)
@ConditionalOnSingleCandidate(DataSource.class)
public final class HubSchemaAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	HubSchemaMigrator hubSchemaMigrator(DataSource dataSource) {
		return new HubSchemaMigrator(dataSource);
	}

}

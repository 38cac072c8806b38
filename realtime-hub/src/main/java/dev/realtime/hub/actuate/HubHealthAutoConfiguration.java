package dev.realtime.hub.actuate;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.hub.HubAutoConfiguration;
import dev.realtime.hub.HubNode;

/**
 * Auto-configuration of the {@code realtimeHub} {@link HubHealthIndicator}, when Spring
 * Boot's health support is on the classpath and
 * {@code management.health.realtime-hub.enabled} is not {@code false}.
 */
@AutoConfiguration(after = HubAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean({ HubNode.class, JdbcTemplate.class })
public final class HubHealthAutoConfiguration {

	@Bean
	@ConditionalOnEnabledHealthIndicator("realtime-hub")
	@ConditionalOnMissingBean(name = "realtimeHubHealthIndicator")
	HubHealthIndicator realtimeHubHealthIndicator(HubNode node, JdbcTemplate jdbcTemplate) {
		return new HubHealthIndicator(node, jdbcTemplate);
	}

}

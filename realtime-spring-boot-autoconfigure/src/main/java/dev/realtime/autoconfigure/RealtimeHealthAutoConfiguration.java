package dev.realtime.autoconfigure;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.metrics.CachedClientMetrics;

/**
 * Auto-configuration of the {@code realtime} {@link RealtimeHealthIndicator}, when Spring
 * Boot's health support is on the classpath and
 * {@code management.health.realtime.enabled} is not {@code false}.
 */
@AutoConfiguration(after = RealtimeAutoConfiguration.class)
@ConditionalOnRealtimeEnabled
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("realtime")
@ConditionalOnSingleCandidate(ObservableClient.class)
@EnableConfigurationProperties(RealtimeHealthProperties.class)
@Import(CachedClientMetricsConfiguration.class)
public final class RealtimeHealthAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "realtimeHealthIndicator")
	RealtimeHealthIndicator realtimeHealthIndicator(ObservableClient client, CachedClientMetrics metrics,
			RealtimeHealthProperties properties, ObjectProvider<OutboundQueueFactory> queues) {
		return new RealtimeHealthIndicator(client, metrics, properties.thresholds(), Clock.systemUTC(),
				queues.getIfUnique());
	}

}

package dev.realtime.autoconfigure;

import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.client.ObservableClient;
import dev.realtime.metrics.CachedClientMetrics;

/**
 * The cached metrics snapshot shared by the meters and the health indicator, imported by
 * both auto-configurations.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RealtimeMetricsProperties.class)
class CachedClientMetricsConfiguration {

	@Bean
	@ConditionalOnMissingBean
	CachedClientMetrics realtimeCachedClientMetrics(ObservableClient client, RealtimeMetricsProperties properties) {
		return new CachedClientMetrics(client, properties.getStoreCountsTtl());
	}

}

package dev.realtime.hub.actuate;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

import dev.realtime.hub.HubAutoConfiguration;
import dev.realtime.hub.HubMetrics;
import dev.realtime.hub.HubNode;

/**
 * Auto-configuration of the hub's {@code realtime.hub.*} meters, when the application has
 * a {@link MeterRegistry}: the counters the hub reports to ({@link MicrometerHubMetrics},
 * unless the application has a {@link HubMetrics} of its own) and the node's gauges.
 */
@AutoConfiguration(after = HubAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean({ MeterRegistry.class, HubNode.class })
public final class HubMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(HubMetrics.class)
	MicrometerHubMetrics hubMetrics(MeterRegistry registry) {
		return new MicrometerHubMetrics(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	HubNodeMeterBinder hubNodeMeterBinder(HubNode node) {
		return new HubNodeMeterBinder(node);
	}

}

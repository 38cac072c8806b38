package dev.realtime.hub;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps Boot's {@code redis} health indicator off unless {@code realtime.hub.bus=redis}:
 * a hub application has Spring Data Redis on its classpath for the bus, and a single node
 * must neither reach for Redis nor report it. A default only: an application that uses
 * Redis for itself sets {@code management.health.redis.enabled=true}.
 */
class HubBusEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String SOURCE = "realtimeHubBusDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		if (!"redis".equalsIgnoreCase(environment.getProperty("realtime.hub.bus", "local").trim())) {
			environment.getPropertySources()
				.addLast(new MapPropertySource(SOURCE, Map.of("management.health.redis.enabled", "false")));
		}
	}

}

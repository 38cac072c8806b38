package dev.realtime.hub;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Defaults that follow {@code realtime.hub.bus}. Unless it is {@code redis}, Boot's
 * {@code redis} health indicator stays off: a hub application has Spring Data Redis on
 * its classpath for the bus, and a single node must neither reach for Redis nor report it
 * (an application that uses Redis for itself sets
 * {@code management.health.redis.enabled=true}). With {@code redis}, Redis commands and
 * connects time out after 2 s instead of Lettuce's 60 s, so that the {@code redis} health
 * component and the bus notice an outage quickly. Defaults only: any
 * {@code spring.data.redis.*} or {@code management.*} setting wins.
 */
class HubBusEnvironmentPostProcessor implements EnvironmentPostProcessor {

	private static final String SOURCE = "realtimeHubBusDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		boolean redis = "redis".equalsIgnoreCase(environment.getProperty("realtime.hub.bus", "local").trim());
		Map<String, Object> defaults = redis
				? Map.of("spring.data.redis.timeout", "2s", "spring.data.redis.connect-timeout", "2s")
				: Map.of("management.health.redis.enabled", "false");
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE, defaults));
	}

}

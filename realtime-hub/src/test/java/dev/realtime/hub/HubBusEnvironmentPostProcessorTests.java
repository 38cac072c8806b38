package dev.realtime.hub;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The defaults that follow {@code realtime.hub.bus}: one node never reports Redis,
 * several nodes notice a Redis outage in seconds, and the application's own settings win.
 */
class HubBusEnvironmentPostProcessorTests {

	private final HubBusEnvironmentPostProcessor postProcessor = new HubBusEnvironmentPostProcessor();

	@Test
	void oneNodeKeepsTheRedisHealthIndicatorOff() {
		MockEnvironment environment = new MockEnvironment();
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.health.redis.enabled")).isEqualTo("false");
		assertThat(environment.getProperty("spring.data.redis.timeout")).isNull();
	}

	@Test
	void severalNodesReportRedisAndTimeOutItsCommandsInSeconds() {
		MockEnvironment environment = new MockEnvironment().withProperty("realtime.hub.bus", "redis");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("management.health.redis.enabled")).isNull();
		assertThat(environment.getProperty("spring.data.redis.timeout")).isEqualTo("2s");
		assertThat(environment.getProperty("spring.data.redis.connect-timeout")).isEqualTo("2s");
	}

	@Test
	void theApplicationsOwnSettingsWin() {
		MockEnvironment environment = new MockEnvironment().withProperty("realtime.hub.bus", "REDIS")
			.withProperty("spring.data.redis.timeout", "500ms");
		this.postProcessor.postProcessEnvironment(environment, new SpringApplication());
		assertThat(environment.getProperty("spring.data.redis.timeout")).isEqualTo("500ms");
	}

}

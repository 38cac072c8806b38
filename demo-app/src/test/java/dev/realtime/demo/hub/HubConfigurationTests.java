package dev.realtime.demo.hub;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Switching the hub off.
 */
class HubConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(HubConfiguration.class);

	@Test
	void definesNoHubBeanWhenDisabled() {
		this.runner.withPropertyValues("demo.hub.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(Hub.class);
			assertThat(context).doesNotHaveBean(HubTokenVerifier.class);
			assertThat(context).doesNotHaveBean(HubProperties.class);
		});
	}

}

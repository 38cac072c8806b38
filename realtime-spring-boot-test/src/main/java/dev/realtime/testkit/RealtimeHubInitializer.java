package dev.realtime.testkit;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Starts an embedded hub and points the application at it, as
 * {@link AutoConfigureRealtimeHub} does, for contexts a test builds itself
 * ({@code SpringApplicationBuilder.initializers(...)}, {@code @ContextConfiguration}).
 * {@link RealtimeHubTester#of(org.springframework.context.ApplicationContext)} finds the
 * hub's tester; the hub closes with the context.
 */
public final class RealtimeHubInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		RealtimeHubContextCustomizer.pointAtEmbeddedHub(context);
	}

}

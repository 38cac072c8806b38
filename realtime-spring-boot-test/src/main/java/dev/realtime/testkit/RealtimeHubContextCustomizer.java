package dev.realtime.testkit;

import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * Starts the embedded hub before the application's context refreshes and points the
 * application at it through a property source of highest precedence. The tester is
 * registered as a resolvable dependency (injectable, yet no bean definition), and the hub
 * closes with the application's context.
 */
class RealtimeHubContextCustomizer implements ContextCustomizer {

	@Override
	public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
		pointAtEmbeddedHub(context);
	}

	/**
	 * Start a hub and point an application context that is yet to refresh at it.
	 * @param context the application's context
	 * @return the hub's tester
	 */
	static RealtimeHubTester pointAtEmbeddedHub(ConfigurableApplicationContext context) {
		EmbeddedRealtimeHub hub = EmbeddedRealtimeHub.start();
		RealtimeHubTester tester = new RealtimeHubTester(hub);
		ConfigurableEnvironment environment = context.getEnvironment();
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("realtime.url", hub.url().toString());
		// the kit brings the hub module onto the test classpath: its auto-configuration
		// is for
		// the hub's own context, not the application's
		properties.put("realtime.hub.enabled", "false");
		String userId = environment.getProperty("realtime.user-id");
		if (userId != null) {
			properties.put("realtime.auth.token", tester.tokenFor(userId));
		}
		environment.getPropertySources().addFirst(new HubPropertySource(properties, tester));
		context.getBeanFactory().registerResolvableDependency(RealtimeHubTester.class, tester);
		context.addApplicationListener((ContextClosedEvent event) -> {
			if (event.getApplicationContext() == context) {
				hub.close();
			}
		});
		return tester;
	}

	/**
	 * Return the tester of the hub an application context was pointed at.
	 * @param context the application's context
	 * @return the tester, or {@code null} when the context has no embedded hub
	 */
	static @Nullable RealtimeHubTester testerOf(ApplicationContext context) {
		if (context.getEnvironment() instanceof ConfigurableEnvironment environment) {
			PropertySource<?> source = environment.getPropertySources().get(HubPropertySource.NAME);
			if (source instanceof HubPropertySource hub) {
				return hub.tester;
			}
		}
		return null;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other != null && other.getClass() == getClass();
	}

	@Override
	public int hashCode() {
		return getClass().hashCode();
	}

	/**
	 * The properties pointing the application at the hub, carrying the hub's tester.
	 */
	static final class HubPropertySource extends MapPropertySource {

		static final String NAME = "realtimeTestHub";

		private final RealtimeHubTester tester;

		HubPropertySource(Map<String, Object> properties, RealtimeHubTester tester) {
			super(NAME, properties);
			this.tester = tester;
		}

	}

}

package dev.realtime.testkit;

import java.util.Set;

import jakarta.servlet.Filter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.RealtimeClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * What the embedded hub does to the application under test: points its client at the hub,
 * and adds no bean, filter or endpoint.
 */
class AutoConfigureRealtimeHubIntegrationTests {

	@Test
	void pointsTheClientAtTheHubAndAddsNoBeanFilterOrEndpoint() {
		Set<String> bare;
		Set<String> bareFilters;
		try (ConfigurableApplicationContext context = run(application())) {
			bare = Set.of(context.getBeanDefinitionNames());
			bareFilters = context.getBeansOfType(Filter.class).keySet();
		}
		RealtimeHubTester[] tester = new RealtimeHubTester[1];
		try (ConfigurableApplicationContext context = run(application()
			.initializers((app) -> tester[0] = RealtimeHubContextCustomizer.pointAtEmbeddedHub(app)))) {
			assertThat(Set.of(context.getBeanDefinitionNames())).isEqualTo(bare);
			assertThat(context.getBeansOfType(Filter.class).keySet()).isEqualTo(bareFilters);
			assertThat(context.getBeansOfType(RealtimeHubTester.class)).isEmpty();
			// the hub has a server of its own
			assertThat(tester[0].url().getPort())
				.isNotEqualTo(((WebServerApplicationContext) context).getWebServer().getPort());
			RealtimeClient client = context.getBean(RealtimeClient.class);
			await().until(client::connectionState, ConnectionState.CONNECTED::equals);
			assertThat(tester[0].isConnected("kit-user")).isTrue();
			client.sendEvent("kit.checked", null);
			assertThat(tester[0].awaitReceived("kit-user", 1)).extracting(ReceivedEvent::event)
				.containsExactly("kit.checked");
		}
		// the hub closed with the application
		assertThatIllegalStateException().isThrownBy(() -> tester[0].isConnected("kit-user"))
			.withMessageContaining("not running");
	}

	private static SpringApplicationBuilder application() {
		return new SpringApplicationBuilder(KitTestApplication.class).web(WebApplicationType.SERVLET);
	}

	private static ConfigurableApplicationContext run(SpringApplicationBuilder application) {
		// arguments, so that they win over the application.yml of the hub's test classes,
		// which this classpath holds and which switches the client off. The hub module is
		// on the classpath only because the kit is: an application without the kit has no
		// hub auto-configuration.
		return application.run("--server.port=0", "--realtime.enabled=true", "--realtime.hub.enabled=false",
				"--realtime.user-id=kit-user", "--realtime.url=ws://localhost:9/realtime",
				"--realtime.auth.token=not-the-hubs");
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class KitTestApplication {

	}

}

package dev.realtime.testkit.testcontainers;

import java.net.URI;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.service.connection.ConnectionDetailsFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.support.SpringFactoriesLoader;

import dev.realtime.auth.TokenProvider;
import dev.realtime.autoconfigure.RealtimeAuthAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeConnectionDetails;
import dev.realtime.client.ClientSettings;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @ServiceConnection} on a container of the hub points the client at it, through
 * {@link RealtimeHubContainerConnectionDetailsFactory} as Boot finds it in
 * {@code spring.factories}. The containers are {@link HubContainerDouble}s (no container
 * engine here): the test covers the mapping from a started container to the client's
 * settings, not the hub's image.
 */
class RealtimeHubContainerConnectionDetailsFactoryTests {

	@Test
	void isRegisteredWhereBootLooksForConnectionDetailsFactories() {
		assertThat(SpringFactoriesLoader.forDefaultResourceLocation().load(ConnectionDetailsFactory.class))
			.hasAtLeastOneElementOfType(RealtimeHubContainerConnectionDetailsFactory.class);
	}

	@Nested
	@SpringBootTest(classes = ClientOnly.class,
			properties = { "realtime.enabled=true", "realtime.user-id=orders", "realtime.auto-connect=false",
					"realtime.url=ws://localhost:1/realtime", "realtime.auth.token=orders-token" })
	class ContainerOfTheHubImage {

		@ServiceConnection
		static final HubContainerDouble hub = new HubContainerDouble("realtime-hub-server:0.1.0-SNAPSHOT", "hub.test",
				32768);

		@Autowired
		private RealtimeConnectionDetails details;

		@Autowired
		private ClientSettings settings;

		@Autowired
		private TokenProvider tokens;

		@Test
		void pointsTheClientAtTheContainersMappedPortAndKeepsTheApplicationsToken() {
			assertThat(this.details.getUrl()).isEqualTo(URI.create("ws://hub.test:32768/realtime"));
			assertThat(this.settings.url()).isEqualTo(URI.create("ws://hub.test:32768/realtime"));
			assertThat(this.tokens.getToken()).isEqualTo("orders-token");
		}

	}

	@Nested
	@SpringBootTest(classes = ClientOnly.class,
			properties = { "realtime.enabled=true", "realtime.user-id=orders", "realtime.auto-connect=false",
					"realtime.url=ws://localhost:1/realtime", "realtime.auth.token=orders-token" })
	class ContainerNamedRealtimeHub {

		@ServiceConnection("realtime-hub")
		static final HubContainerDouble hub = new HubContainerDouble("registry.example/our-hub:2", "10.0.0.7", 49153);

		@Autowired
		private ClientSettings settings;

		@Test
		void pointsTheClientAtTheContainerOfAnotherImage() {
			assertThat(this.settings.url()).isEqualTo(URI.create("ws://10.0.0.7:49153/realtime"));
		}

	}

	/**
	 * The client's auto-configuration alone, not connecting ({@code realtime.enabled}:
	 * the hub's test resources on this classpath switch the client off).
	 */
	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class })
	static class ClientOnly {

	}

}

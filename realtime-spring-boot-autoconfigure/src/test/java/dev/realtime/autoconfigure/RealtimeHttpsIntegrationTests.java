package dev.realtime.autoconfigure;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.test.HubFixture;
import dev.realtime.test.NodeSocketIoServer;
import dev.realtime.test.TestCertificates;
import dev.realtime.test.TestHub;
import dev.realtime.test.TestTokenEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HTTPS beyond {@code wss://}, with the defaults a user gets and one Spring Boot SSL
 * bundle holding the service's own CA (made for the test, trusted by nothing else):
 * SockJS over {@code https://} (the HTTP transport, to {@link TestHub}), Socket.IO over
 * {@code https://} (a Node.js Socket.IO server) and the OAuth2 token endpoint over
 * {@code https://} each connect when their certificate comes from that CA, and each
 * refuses a certificate from another CA, which the server never gets a request past.
 */
class RealtimeHttpsIntegrationTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.onDemand();

	@TempDir
	static Path directory;

	/** The service's own CA, the one the bundle trusts. */
	private static TestCertificates own;

	/** Another CA, trusted by nobody here. */
	private static TestCertificates foreign;

	@BeforeAll
	static void createAuthorities() throws Exception {
		own = TestCertificates.createAuthority(Files.createDirectories(directory.resolve("own")));
		foreign = TestCertificates.createAuthority(Files.createDirectories(directory.resolve("foreign")));
	}

	@Test
	void sockJsOverHttpsTrustsTheBundlesCa() {
		TestHub hub = startHub(own, "sockjs-own");
		runner(hub.uri().toString(), "realtime.transport=http", "realtime.ssl.bundle=service", "realtime.auth.token=t")
			.run((context) -> {
				DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
				await().atMost(Duration.ofSeconds(30))
					.until(() -> client.connectionState() == ConnectionState.CONNECTED);
				assertThat(client.transport()).isEqualTo("http");
				assertThat(hub.uri().getScheme()).isEqualTo("wss");
				client.sendEvent("tls.checked", Map.of("over", "https")).acknowledged().get(30, TimeUnit.SECONDS);
				assertThat(hub.received()).hasSize(1);
			});
	}

	@Test
	void sockJsOverHttpsRefusesACertificateFromAnotherCa() {
		TestHub hub = startHub(foreign, "sockjs-foreign");
		runner(hub.uri().toString(), "realtime.transport=http", "realtime.ssl.bundle=service", "realtime.auth.token=t")
			.run((context) -> {
				DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
				assertThat(awaitFailure(client)).contains("TLS handshake with localhost", "realtime.ssl.bundle");
				assertThat(hub.handshakes()).isZero();
			});
	}

	@Test
	void socketIoOverHttpsTrustsTheBundlesCa() {
		try (NodeSocketIoServer server = NodeSocketIoServer.start("{\"t\":\"alice\"}",
				own.issue("socketio-own", "dns:localhost,ip:127.0.0.1"))) {
			runner(server.uri("localhost").toString(), "realtime.transport=socketio", "realtime.ssl.bundle=service",
					"realtime.auth.token=t")
				.run((context) -> {
					DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
					await().atMost(Duration.ofSeconds(30))
						.until(() -> client.connectionState() == ConnectionState.CONNECTED);
					client.sendEvent("tls.checked", Map.of("i", 1)).acknowledged().get(30, TimeUnit.SECONDS);
					assertThat(server.awaitAcceptedItems(client.clientId(), 1)).containsExactly(1);
				});
		}
	}

	@Test
	void socketIoOverHttpsRefusesACertificateFromAnotherCa() {
		try (NodeSocketIoServer server = NodeSocketIoServer.start("{\"t\":\"alice\"}",
				foreign.issue("socketio-foreign", "dns:localhost,ip:127.0.0.1"))) {
			runner(server.uri("localhost").toString(), "realtime.transport=socketio", "realtime.ssl.bundle=service",
					"realtime.auth.token=t")
				.run((context) -> {
					DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
					assertThat(awaitFailure(client)).contains("TLS handshake with localhost", "realtime.ssl.bundle");
				});
		}
	}

	@Test
	void tokenEndpointOverHttpsTrustsTheBundlesCa() {
		try (TestTokenEndpoint endpoint = TestTokenEndpoint.startTls("svc", "svc-secret", "rt",
				own.issue("token-own", "dns:localhost,ip:127.0.0.1"))) {
			TestHub hub = this.fixture.start();
			hub.acceptTokens(endpoint::isValid);
			runner(hub.uri().toString(), tokenEndpoint(endpoint)).run((context) -> {
				DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
				await().atMost(Duration.ofSeconds(30))
					.until(() -> client.connectionState() == ConnectionState.CONNECTED);
				assertThat(endpoint.uri().getScheme()).isEqualTo("https");
				assertThat(endpoint.requests()).isPositive();
			});
		}
	}

	@Test
	void tokenEndpointOverHttpsRefusesACertificateFromAnotherCa() {
		try (TestTokenEndpoint endpoint = TestTokenEndpoint.startTls("svc", "svc-secret", "rt",
				foreign.issue("token-foreign", "dns:localhost,ip:127.0.0.1"))) {
			TestHub hub = this.fixture.start();
			runner(hub.uri().toString(), tokenEndpoint(endpoint)).run((context) -> {
				DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
				assertThat(awaitFailure(client)).isNotEmpty();
				assertThat(client.connectionState()).isNotEqualTo(ConnectionState.CONNECTED);
				assertThat(endpoint.requests()).isZero();
				assertThat(hub.handshakes()).isZero();
			});
		}
	}

	private static String[] tokenEndpoint(TestTokenEndpoint endpoint) {
		return new String[] { "realtime.auth.token-uri=" + endpoint.uri(), "realtime.auth.client-id=svc",
				"realtime.auth.client-secret=svc-secret", "realtime.auth.ssl-bundle=service" };
	}

	private TestHub startHub(TestCertificates authority, String name) {
		Path keyStore = authority.issue(name, "dns:localhost,ip:127.0.0.1");
		return this.fixture.start("server.ssl.key-store=" + keyStore.toUri(), "server.ssl.key-store-type=PKCS12",
				"server.ssl.key-store-password=" + TestCertificates.PASSWORD);
	}

	private ApplicationContextRunner runner(String url, String... properties) {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
							RealtimeHttpTransportAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues("realtime.url=" + url, "realtime.user-id=alice", "realtime.auto-connect=false",
					"spring.ssl.bundle.jks.service.truststore.location=" + own.trustStore().toUri(),
					"spring.ssl.bundle.jks.service.truststore.type=PKCS12",
					"spring.ssl.bundle.jks.service.truststore.password=" + TestCertificates.PASSWORD)
			.withPropertyValues(properties);
	}

	private static DefaultRealtimeClient connect(DefaultRealtimeClient client) {
		client.connect();
		return client;
	}

	/**
	 * Wait for the first connect to fail.
	 * @param client the client
	 * @return why it failed
	 */
	private static String awaitFailure(DefaultRealtimeClient client) {
		return await().atMost(Duration.ofSeconds(30)).until(client::lastError, (error) -> error != null);
	}

}

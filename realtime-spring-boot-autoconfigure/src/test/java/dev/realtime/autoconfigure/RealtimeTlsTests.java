package dev.realtime.autoconfigure;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestCertificates;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client over {@code wss://} to a hub whose certificate comes from a private CA made
 * for the test: certificate and host name are verified by default, a Spring Boot SSL
 * bundle named by {@code realtime.ssl.bundle} supplies the trust store and a client
 * certificate.
 */
class RealtimeTlsTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.onDemand();

	@TempDir
	static Path directory;

	private static TestCertificates authority;

	private static final AtomicInteger hubs = new AtomicInteger();

	private final List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();

	private TestHub hub;

	@BeforeAll
	static void createAuthority() {
		authority = TestCertificates.createAuthority(directory);
	}

	@Test
	void connectsWhenTheBundleTrustsTheHubsCertificate() {
		this.hub = startHub("dns:localhost,ip:127.0.0.1");
		runner().withPropertyValues("realtime.ssl.bundle=hub").run((context) -> {
			DefaultRealtimeClient client = connect(context.getBean(DefaultRealtimeClient.class));
			await().until(() -> client.connectionState() == ConnectionState.CONNECTED);
			assertThat(this.hub.handshakes()).isEqualTo(1);
		});
	}

	@Test
	void refusesAHubItDoesNotTrustAndNamesTheProperty() {
		this.hub = startHub("dns:localhost,ip:127.0.0.1");
		runner().run((context) -> {
			connect(context.getBean(DefaultRealtimeClient.class));
			ConnectionStateChange failure = awaitFailure();
			assertThat(failure.reason()).contains("TLS handshake with localhost", "realtime.ssl.bundle",
					"certification path");
			assertThat(this.hub.handshakes()).isZero();
		});
	}

	@Test
	void refusesATrustedCertificateIssuedForAnotherHost() {
		this.hub = startHub("dns:hub.example.org");
		runner().withPropertyValues("realtime.ssl.bundle=hub").run((context) -> {
			connect(context.getBean(DefaultRealtimeClient.class));
			ConnectionStateChange failure = awaitFailure();
			assertThat(failure.reason()).contains("TLS handshake with localhost", "localhost found");
			assertThat(this.hub.handshakes()).isZero();
		});
	}

	@Test
	void presentsTheBundlesClientCertificateToAHubThatRequiresOne() {
		this.hub = startHub("dns:localhost", "server.ssl.client-auth=need",
				"server.ssl.trust-store=" + authority.trustStore().toUri(), "server.ssl.trust-store-type=PKCS12",
				"server.ssl.trust-store-password=" + TestCertificates.PASSWORD);
		Path client = authority.issue("alice-client", "dns:alice.example.org");
		runner()
			.withPropertyValues("realtime.ssl.bundle=mutual",
					"spring.ssl.bundle.jks.mutual.keystore.location=" + client.toUri(),
					"spring.ssl.bundle.jks.mutual.keystore.type=PKCS12",
					"spring.ssl.bundle.jks.mutual.keystore.password=" + TestCertificates.PASSWORD,
					"spring.ssl.bundle.jks.mutual.truststore.location=" + authority.trustStore().toUri(),
					"spring.ssl.bundle.jks.mutual.truststore.type=PKCS12",
					"spring.ssl.bundle.jks.mutual.truststore.password=" + TestCertificates.PASSWORD)
			.run((context) -> {
				DefaultRealtimeClient connected = connect(context.getBean(DefaultRealtimeClient.class));
				await().until(() -> connected.connectionState() == ConnectionState.CONNECTED);
			});
		// without the client certificate the same hub refuses the handshake
		runner().withPropertyValues("realtime.ssl.bundle=hub").run((context) -> {
			connect(context.getBean(DefaultRealtimeClient.class));
			assertThat(awaitFailure().reason()).contains("TLS handshake with localhost");
		});
		assertThat(this.hub.handshakes()).isEqualTo(1);
	}

	@Test
	void failsAtStartupWhenTheNamedBundleDoesNotExist() {
		runner().withPropertyValues("realtime.ssl.bundle=missing").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.ssl.bundle")
				.hasMessageContaining("missing");
		});
	}

	private TestHub startHub(String subjectAlternativeNames, String... properties) {
		Path keyStore = authority.issue("hub-" + hubs.incrementAndGet(), subjectAlternativeNames);
		String[] all = new String[properties.length + 3];
		all[0] = "server.ssl.key-store=" + keyStore.toUri();
		all[1] = "server.ssl.key-store-type=PKCS12";
		all[2] = "server.ssl.key-store-password=" + TestCertificates.PASSWORD;
		System.arraycopy(properties, 0, all, 3, properties.length);
		return this.fixture.start(all);
	}

	private ApplicationContextRunner runner() {
		String url = (this.hub != null) ? this.hub.uri().toString() : "wss://localhost:1/realtime";
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, SslAutoConfiguration.class))
			.withPropertyValues("realtime.url=" + url, "realtime.user-id=alice", "realtime.auto-connect=false",
					"realtime.auth.token=t",
					"spring.ssl.bundle.jks.hub.truststore.location=" + authority.trustStore().toUri(),
					"spring.ssl.bundle.jks.hub.truststore.type=PKCS12",
					"spring.ssl.bundle.jks.hub.truststore.password=" + TestCertificates.PASSWORD);
	}

	private DefaultRealtimeClient connect(DefaultRealtimeClient client) {
		this.changes.clear();
		client.onConnectionStateChange(this.changes::add);
		client.connect();
		return client;
	}

	private ConnectionStateChange awaitFailure() {
		await().until(() -> this.changes.stream().anyMatch(RealtimeTlsTests::connectFailed));
		return this.changes.stream().filter(RealtimeTlsTests::connectFailed).findFirst().orElseThrow();
	}

	private static boolean connectFailed(ConnectionStateChange change) {
		return change.reason().startsWith("connect failed");
	}

}

package dev.realtime.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestTokenEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A whole run at DEBUG level with an OAuth2 token endpoint issuing short-lived JWTs:
 * token refreshes, reconnects (token expired, hub restarts) and failures (token endpoint
 * down, hub refusing tokens). No access token, refresh token, client secret or JWT may
 * appear in any log line, exception message, {@code toString()} of the library's beans,
 * health or actuator output.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.user-id=alice", "realtime.auth.client-id=svc",
				"realtime.auth.client-secret=" + SecretsStayOutOfOutputIntegrationTests.CLIENT_SECRET,
				"realtime.auth.grant-type=refresh_token",
				"realtime.auth.refresh-token=" + SecretsStayOutOfOutputIntegrationTests.REFRESH_TOKEN,
				// reconnects after the hub's deliberate cuts are shortened so the test
				// takes
				// seconds; the default backoff (1 s, 20 % jitter, up to 30 s) is proven
				// by
				// ThunderingHerdTests and the delivery tests in
				// dev.realtime.demo.delivery, which
				// run at the defaults
				"realtime.reconnect.initial-delay=100ms", "realtime.reconnect.max-delay=500ms",
				"logging.level.root=DEBUG", "management.endpoints.web.exposure.include=health,realtime",
				"management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always",
				"spring.autoconfigure.exclude=" + ExcludedAutoConfigurations.DATABASE_AND_SECURITY })
@ExtendWith(OutputCaptureExtension.class)
class SecretsStayOutOfOutputIntegrationTests {

	static final String CLIENT_SECRET = "client-secret-Zq81xv";

	static final String REFRESH_TOKEN = "refresh-token-Lw02mk";

	/** A JWT's header and payload are base64url JSON objects: {"... is "eyJ...". */
	private static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}");

	private static final TestTokenEndpoint endpoint = TestTokenEndpoint.start("svc", CLIENT_SECRET, REFRESH_TOKEN);

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	private int port;

	@Autowired
	private DefaultRealtimeClient client;

	@Autowired
	private ConfigurableApplicationContext context;

	@DynamicPropertySource
	static void urls(DynamicPropertyRegistry registry) {
		// tokens live 2 s, so the run sees several refreshes
		endpoint.lifetime(Duration.ofSeconds(2));
		endpoint.issueJwts();
		fixture.hub().acceptTokens(endpoint::isValid);
		registry.add("realtime.url", () -> fixture.hub().uri().toString());
		registry.add("realtime.auth.token-uri", () -> endpoint.uri().toString());
	}

	@AfterAll
	static void stop() {
		endpoint.close();
	}

	@Test
	void noSecretAppearsAnywhere(CapturedOutput output) throws Exception {
		List<String> seen = new ArrayList<>();
		List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();
		this.client.onConnectionStateChange(changes::add);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		this.client.sendEvent("note", Map.of("n", 1)).acknowledged().get(10, TimeUnit.SECONDS);
		seen.add(get("/actuator/health"));
		seen.add(get("/actuator/realtime"));

		// refreshes, then a reconnect because the token expired
		int requests = endpoint.requests();
		await().atMost(Duration.ofSeconds(30)).until(() -> endpoint.requests() >= requests + 2);
		fixture.hub().closeAll(CloseCodes.TOKEN_EXPIRED, "token expired");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> fixture.hub().handshakes() >= 2 && this.client.connectionState() == ConnectionState.CONNECTED);

		// the token endpoint fails while the hub refuses the current token
		endpoint.failWith(500, null);
		endpoint.revokeAll();
		fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.client.lastError() != null && this.client.connectionState() != ConnectionState.CONNECTED
					&& endpoint.requests() > requests + 3);
		seen.add(get("/actuator/health"));
		seen.add(get("/actuator/realtime"));
		// a rejected client secret is final: the client fails until it is told to connect
		// again
		endpoint.failWith(400, "invalid_client");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.connectionState() == ConnectionState.FAILED);
		endpoint.recover();
		this.client.connect();
		await().atMost(Duration.ofSeconds(60)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		this.client.sendEvent("note", Map.of("n", 2)).acknowledged().get(10, TimeUnit.SECONDS);
		seen.add(get("/actuator/health"));
		seen.add(get("/actuator/realtime"));

		changes.forEach((change) -> {
			seen.add(change.toString());
			for (Throwable cause = change.cause(); cause != null; cause = cause.getCause()) {
				seen.add(cause.toString());
			}
		});
		seen.add(String.valueOf(this.client.lastError()));
		for (String name : this.context.getBeanDefinitionNames()) {
			Object bean = this.context.getBean(name);
			if (bean.getClass().getName().startsWith("dev.realtime.")) {
				seen.add(name + ": " + bean);
			}
		}
		seen.add(output.toString());

		assertThat(fixture.hub().handshakes()).isGreaterThanOrEqualTo(3);
		assertThat(endpoint.secrets()).hasSizeGreaterThan(4);
		String everything = String.join("\n", seen);
		assertThat(everything).contains("DEBUG");
		for (String secret : endpoint.secrets()) {
			assertThat(everything).doesNotContain(secret);
		}
		assertThat(everything).doesNotContain(CLIENT_SECRET).doesNotContain(REFRESH_TOKEN);
		assertThat(JWT.matcher(everything).results().map((match) -> match.group())).isEmpty();
	}

	private String get(String path) throws Exception {
		HttpResponse<String> response = this.http.send(
				HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
		return path + " " + response.statusCode() + " " + response.body();
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}

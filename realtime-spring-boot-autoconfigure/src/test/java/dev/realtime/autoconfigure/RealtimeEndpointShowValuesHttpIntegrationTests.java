package dev.realtime.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The payloads of parked inbound events and outbound dead letters in
 * {@code /actuator/realtime} follow {@code management.endpoint.realtime.show-values} as
 * Spring Boot's {@code env} endpoint does: hidden by default, shown to callers with one
 * of {@code management.endpoint.realtime.roles} with {@code when-authorized}, shown to
 * every caller with {@code always}. A real web application with Spring Security's
 * defaults (HTTP basic), PostgreSQL and a real hub; one context per setting, each with a
 * user of its own.
 */
@SpringBootTest(classes = RealtimeEndpointShowValuesHttpIntegrationTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auth.token=t", "realtime.inbox.max-attempts=1",
				"management.endpoints.web.exposure.include=realtime",
				"management.endpoint.realtime.roles=REALTIME_ADMIN" })
class RealtimeEndpointShowValuesHttpIntegrationTests {

	/** What the parked event and the dead letter carry: personal data. */
	private static final String SECRET_TEXT = "my card number is 4111 1111 1111 1111";

	private static final String OPERATOR = "operator";

	private static final String VIEWER = "viewer";

	private static final String PASSWORD = "actuator-pw";

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	private static final TestDatabases.Isolated database = TestDatabases.postgres().createIsolated("showvalues");

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final JsonMapper json = new JsonMapper();

	@BeforeAll
	static void storeChatMessages() {
		// once: the property source runs for each of the three contexts
		for (String user : List.of("never", "authorized", "always")) {
			fixture.hub().store(user, "chat.message", Map.of("text", SECRET_TEXT));
		}
	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("realtime.url", () -> fixture.hub().uri().toString());
		for (String property : database.springProperties()) {
			int equals = property.indexOf('=');
			registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
		}
	}

	@AfterAll
	static void stop() {
		database.close();
	}

	/**
	 * Wait for the stored event to be parked (the listener fails on it), then have the
	 * hub reject an event the client sends, which becomes a dead letter.
	 */
	private static void parkOneAndDeadLetterOne(DefaultRealtimeClient client) {
		await().atMost(Duration.ofSeconds(10)).until(() -> client.metrics().failedInbound() == 1);
		await().until(() -> client.connectionState() == ConnectionState.CONNECTED);
		fixture.hub().acking(false);
		try {
			client.sendEvent("chat.message", Map.of("text", SECRET_TEXT));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> fixture.hub()
					.received()
					.stream()
					.anyMatch((event) -> client.clientId().equals(event.clientId())));
			EventFrame sent = fixture.hub()
				.received()
				.stream()
				.filter((event) -> client.clientId().equals(event.clientId()))
				.findFirst()
				.orElseThrow();
			fixture.hub()
				.sendRaw(fixture.hub()
					.encode(List.of(new ErrorFrame("invalid_event", "rejected by the test", sent.seq()))));
			await().atMost(Duration.ofSeconds(10)).until(() -> client.metrics().deadLetters() == 1);
		}
		finally {
			fixture.hub().acking(true);
		}
	}

	private JsonNode read(int port, String path, String user) throws Exception {
		String credentials = Base64.getEncoder()
			.encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
				.header("Authorization", "Basic " + credentials)
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readTree(response.body());
	}

	private static void assertHidden(JsonNode described) {
		assertThat(described.get("failedInbound")).singleElement()
			.satisfies((event) -> assertThat(event.get("payload").asString()).isEqualTo("******"));
		assertThat(described.get("deadLetters")).singleElement()
			.satisfies((dead) -> assertThat(dead.get("payload").asString()).isEqualTo("******"));
		// everything else stays visible: operators still see what failed and why
		assertThat(described.get("failedInbound").get(0).get("event").asString()).isEqualTo("chat.message");
		assertThat(described.get("deadLetters").get(0).get("errorCode").asString()).isEqualTo("invalid_event");
	}

	private static void assertShown(JsonNode described) {
		assertThat(described.get("failedInbound")).singleElement()
			.satisfies((event) -> assertThat(event.get("payload").get("text").asString()).isEqualTo(SECRET_TEXT));
		assertThat(described.get("deadLetters")).singleElement()
			.satisfies((dead) -> assertThat(dead.get("payload").get("text").asString()).isEqualTo(SECRET_TEXT));
	}

	@Nested
	@TestPropertySource(properties = "realtime.user-id=never")
	@DirtiesContext
	class Never {

		@Autowired
		DefaultRealtimeClient client;

		@LocalServerPort
		int port;

		@Test
		void hidesPayloadsFromEveryone() throws Exception {
			parkOneAndDeadLetterOne(this.client);
			for (String path : List.of("/actuator/realtime", "/actuator/realtime/never")) {
				JsonNode described = read(this.port, path, OPERATOR);
				assertHidden(described);
				assertThat(described.toString()).doesNotContain(SECRET_TEXT);
			}
		}

	}

	@Nested
	@TestPropertySource(
			properties = { "realtime.user-id=authorized", "management.endpoint.realtime.show-values=when-authorized" })
	@DirtiesContext
	class WhenAuthorized {

		@Autowired
		DefaultRealtimeClient client;

		@LocalServerPort
		int port;

		@Test
		void showsPayloadsToCallersWithTheRoleOnly() throws Exception {
			parkOneAndDeadLetterOne(this.client);
			for (String path : List.of("/actuator/realtime", "/actuator/realtime/authorized")) {
				assertShown(read(this.port, path, OPERATOR));
				JsonNode withoutRole = read(this.port, path, VIEWER);
				assertHidden(withoutRole);
				assertThat(withoutRole.toString()).doesNotContain(SECRET_TEXT);
			}
		}

	}

	@Nested
	@TestPropertySource(properties = { "realtime.user-id=always", "management.endpoint.realtime.show-values=always" })
	@DirtiesContext
	class Always {

		@Autowired
		DefaultRealtimeClient client;

		@LocalServerPort
		int port;

		@Test
		void showsPayloadsToEveryCallerAllowedToReadTheEndpoint() throws Exception {
			parkOneAndDeadLetterOne(this.client);
			for (String path : List.of("/actuator/realtime", "/actuator/realtime/always")) {
				assertShown(read(this.port, path, VIEWER));
			}
		}

	}

	static class FailingListener {

		@RealtimeListener(events = "chat.message")
		void onMessage(InboundMessage message) {
			throw new IllegalStateException("listener down");
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		FailingListener failingListener() {
			return new FailingListener();
		}

		@Bean
		InMemoryUserDetailsManager actuatorUsers() {
			return new InMemoryUserDetailsManager(
					User.withUsername(OPERATOR).password("{noop}" + PASSWORD).roles("REALTIME_ADMIN").build(),
					User.withUsername(VIEWER).password("{noop}" + PASSWORD).roles("SUPPORT").build());
		}

	}

}

package dev.realtime.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.HubFixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The health indicator and the endpoint over HTTP, in a web application with the actuator
 * and the realtime auto-configurations, connected to a real hub.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.user-id=alice", "realtime.auth.token=super-secret-token-123",
				"management.endpoints.web.exposure.include=health,realtime",
				"management.endpoint.health.show-details=always", "management.endpoint.health.show-components=always",
				"spring.autoconfigure.exclude=" + ExcludedAutoConfigurations.DATABASE_AND_SECURITY })
class RealtimeActuatorHttpIntegrationTests {

	private static final String SECRET = "super-secret-token-123";

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	private final HttpClient http = HttpClient.newHttpClient();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@Autowired
	private DefaultRealtimeClient client;

	@DynamicPropertySource
	static void hubUrl(DynamicPropertyRegistry registry) {
		registry.add("realtime.url", () -> fixture.hub().uri().toString());
	}

	@Test
	void reportsUpWhenConnectedAndDownAfterForbiddenClose() throws Exception {
		await().until(() -> this.client.connectionState() == ConnectionState.CONNECTED);

		HttpResponse<String> health = get("/actuator/health");
		assertThat(health.statusCode()).isEqualTo(200);
		JsonNode realtime = this.json.readTree(health.body()).get("components").get("realtime");
		assertThat(realtime.get("status").asString()).isEqualTo("UP");
		JsonNode details = realtime.get("details");
		assertThat(details.get("state").asString()).isEqualTo("CONNECTED");
		assertThat(details.get("transport").asString()).isEqualTo("websocket");
		assertThat(details.get("user").asString()).isEqualTo("alice");
		assertThat(details.get("clientId").asString()).isEqualTo(this.client.clientId());
		assertThat(details.get("pending").asLong()).isZero();
		assertThat(details.has("lastError")).isFalse();

		HttpResponse<String> endpoint = get("/actuator/realtime");
		assertThat(endpoint.statusCode()).isEqualTo(200);
		JsonNode descriptor = this.json.readTree(endpoint.body());
		assertThat(descriptor.get("userId").asString()).isEqualTo("alice");
		assertThat(descriptor.get("state").asString()).isEqualTo("CONNECTED");
		assertThat(descriptor.get("transport").asString()).isEqualTo("websocket");
		assertThat(descriptor.get("metrics").get("queueSize").asLong()).isZero();
		assertThat(health.body() + endpoint.body()).doesNotContain(SECRET);

		fixture.hub().closeAll(CloseCodes.FORBIDDEN, "banned");
		await().until(() -> this.client.connectionState() == ConnectionState.FAILED);

		HttpResponse<String> down = get("/actuator/health");
		assertThat(down.statusCode()).isEqualTo(503);
		JsonNode failed = this.json.readTree(down.body()).get("components").get("realtime");
		assertThat(failed.get("status").asString()).isEqualTo("DOWN");
		assertThat(failed.get("details").get("state").asString()).isEqualTo("FAILED");
		assertThat(failed.get("details").get("lastError").asString()).contains("4003").contains("banned");
		HttpResponse<String> failedEndpoint = get("/actuator/realtime");
		assertThat(this.json.readTree(failedEndpoint.body()).get("lastError").asString()).contains("4003");
		assertThat(down.body() + failedEndpoint.body()).doesNotContain(SECRET);
	}

	@Test
	void rejectsRetryOfUnknownDirection() throws Exception {
		HttpResponse<String> response = this.http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/realtime/sideways/1"))
				.POST(HttpRequest.BodyPublishers.noBody())
				.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(400);
	}

	private HttpResponse<String> get(String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

	}

}

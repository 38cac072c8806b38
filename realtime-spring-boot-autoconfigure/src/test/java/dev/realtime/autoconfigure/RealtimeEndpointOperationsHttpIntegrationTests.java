package dev.realtime.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
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
 * POST (retry) and DELETE on {@code /actuator/realtime} over HTTP, for parked inbound
 * events and outbound dead letters kept in PostgreSQL, with a real hub.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.user-id=alice", "realtime.auth.token=t", "realtime.inbox.max-attempts=1",
				"management.endpoints.web.exposure.include=realtime",
				"spring.autoconfigure.exclude=" + ExcludedAutoConfigurations.SECURITY })
class RealtimeEndpointOperationsHttpIntegrationTests {

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	private static final TestDatabases.Isolated database = TestDatabases.postgres().createIsolated("endpoint");

	private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@Autowired
	private DefaultRealtimeClient client;

	@Autowired
	private OrderListener listener;

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		registry.add("realtime.url", () -> fixture.hub().uri().toString());
		String[] datasource = database.springProperties();
		for (String property : datasource) {
			int equals = property.indexOf('=');
			registry.add(property.substring(0, equals), () -> property.substring(equals + 1));
		}
		fixture.hub().store("alice", "order.created", Map.of("id", "A-1"));
		fixture.hub().store("alice", "order.created", Map.of("id", "A-2"));
	}

	@AfterAll
	static void stop() {
		database.close();
	}

	@Test
	void retriesAndDeletesParkedInboundEventsAndOutboundDeadLetters() throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> this.client.metrics().failedInbound() == 2);
		assertThat(this.json.readTree(send("GET", "/actuator/realtime").body()).get("failedInbound"))
			.extracting((event) -> event.get("seq").asLong())
			.containsExactly(1L, 2L);

		this.listener.failing = false;
		assertThat(found(send("POST", "/actuator/realtime/inbound/1"))).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.listener.handled.contains("A-1"));
		assertThat(found(send("DELETE", "/actuator/realtime/inbound/2"))).isTrue();
		assertThat(found(send("DELETE", "/actuator/realtime/inbound/2"))).isFalse();
		assertThat(this.json.readTree(send("GET", "/actuator/realtime").body()).get("failedInbound")).isEmpty();
		assertThat(this.listener.handled).containsExactly("A-1");

		await().until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		fixture.hub().acking(false);
		this.client.sendEvent("order.rejected", Map.of("id", "B-1"));
		long id = rejectLastReceived(1);
		assertThat(found(send("POST", "/actuator/realtime/outbound/" + id))).isTrue();
		// the retried dead letter is sent again, and the hub rejects it again
		long again = rejectLastReceived(2);
		assertThat(found(send("DELETE", "/actuator/realtime/outbound/" + again))).isTrue();
		assertThat(this.json.readTree(send("GET", "/actuator/realtime").body()).get("deadLetters")).isEmpty();
		assertThat(this.client.metrics().deadLetters()).isZero();
		assertThat(send("POST", "/actuator/realtime/sideways/1").statusCode()).isEqualTo(400);
	}

	/**
	 * Wait for the hub to receive its n-th event, reject it with an error frame and
	 * return the id of the dead letter it became.
	 */
	private long rejectLastReceived(int received) throws Exception {
		await().atMost(Duration.ofSeconds(10)).until(() -> fixture.hub().received().size() == received);
		EventFrame sent = fixture.hub().received().get(received - 1);
		fixture.hub()
			.sendRaw(
					fixture.hub().encode(List.of(new ErrorFrame("invalid_event", "rejected by the test", sent.seq()))));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.client.metrics().deadLetters() == 1);
		JsonNode deadLetters = this.json.readTree(send("GET", "/actuator/realtime").body()).get("deadLetters");
		assertThat(deadLetters).hasSize(1);
		assertThat(deadLetters.get(0).get("idempotencyKey").asString()).isEqualTo(sent.idempotencyKey());
		return deadLetters.get(0).get("id").asLong();
	}

	private HttpResponse<String> send(String method, String path) throws Exception {
		return this.http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + path))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());
	}

	private boolean found(HttpResponse<String> response) {
		assertThat(response.statusCode()).isEqualTo(200);
		return this.json.readTree(response.body()).get("found").asBoolean();
	}

	static class OrderListener {

		volatile boolean failing = true;

		final List<String> handled = new CopyOnWriteArrayList<>();

		@RealtimeListener(events = "order.created")
		void onOrder(InboundMessage message) {
			if (this.failing) {
				throw new IllegalStateException("not yet");
			}
			this.handled.add(message.payload().get("id").asString());
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class TestApplication {

		@Bean
		OrderListener orderListener() {
			return new OrderListener();
		}

	}

}

package dev.realtime.demo.outbound;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.util.TestSocketUtils;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.RealtimeClient;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.demo.DemoApplication;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream of events sent through the durable outbox while the hub drops the connection
 * and then restarts: the hub ends up holding every event exactly once, in seq order. Hub
 * and client are separate application contexts on separate PostgreSQL schemas; the hub
 * restarts on the same port and schema, as a redeployed server would.
 */
class StreamResilienceIntegrationTests {

	private static final int COUNT = 3_000;

	private static final String USER = "streamer";

	private final int port = TestSocketUtils.findAvailableTcpPort();

	private final TestDatabases.Isolated hubSchema = TestDatabases.postgres().createIsolated("stream_hub");

	private final TestDatabases.Isolated clientSchema = TestDatabases.postgres().createIsolated("stream_client");

	private ConfigurableApplicationContext hub;

	@AfterEach
	void dropSchemas() {
		if (this.hub != null) {
			this.hub.close();
		}
		this.hubSchema.close();
		this.clientSchema.close();
	}

	@Test
	void droppedConnectionsAndHubRestartLoseAndDuplicateNothing() throws Exception {
		this.hub = startHub();
		try (ConfigurableApplicationContext client = startClient()) {
			RealtimeClient realtime = client.getBean(RealtimeClient.class);
			await().until(() -> realtime.connectionState() == ConnectionState.CONNECTED);
			Thread sender = new Thread(() -> {
				for (int i = 1; i <= COUNT; i++) {
					realtime.sendEvent("stream.item", Map.of("i", i));
				}
			});
			sender.start();

			await().atMost(Duration.ofSeconds(60)).until(() -> accepted(realtime).size() >= 500);
			await().until(() -> hub().closeSessions(USER, 1001, "rolling restart") > 0);

			await().atMost(Duration.ofSeconds(60)).until(() -> accepted(realtime).size() >= 1500);
			this.hub.close();
			this.hub = startHub();

			sender.join();
			await().atMost(Duration.ofSeconds(90)).until(() -> accepted(realtime).size() >= COUNT);
			await().until(() -> realtime.pendingCount() == 0);

			List<AcceptedEvent> accepted = accepted(realtime);
			List<Long> expected = LongStream.rangeClosed(1, COUNT).boxed().toList();
			assertThat(accepted).extracting(AcceptedEvent::seq).containsExactlyElementsOf(expected);
			assertThat(accepted).extracting((event) -> (long) event.payload().get("i").intValue())
				.containsExactlyElementsOf(expected);
			assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
		}
	}

	private Hub hub() {
		return this.hub.getBean(Hub.class);
	}

	private List<AcceptedEvent> accepted(RealtimeClient client) {
		return hub().acceptedEvents(client.clientId());
	}

	private ConfigurableApplicationContext startHub() {
		List<String> properties = new java.util.ArrayList<>(List.of("server.port=" + this.port,
				"spring.main.banner-mode=off", "realtime.enabled=false", "realtime.hub.tokens.streamer-token=" + USER));
		properties.addAll(List.of(this.hubSchema.springProperties()));
		return new SpringApplicationBuilder(DemoApplication.class).run(ClientOnlyApplication.asArguments(properties));
	}

	private ConfigurableApplicationContext startClient() {
		return ClientOnlyApplication.start(this.port, USER, "streamer-token", this.clientSchema, List.of(),
				"realtime.batch.size=20");
	}

}

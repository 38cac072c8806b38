package dev.realtime.hub;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client library's own drain stays within the hub's default rate limits: 100,000
 * events queued while it was offline are sent, at the client's default settings (batches
 * of up to 100 events, 1,000 in flight), to a hub on PostgreSQL at its defaults, on one
 * connection that is never closed with 4008. The client queues in memory, so it sends
 * faster than a client whose outbox is a database table would.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "realtime.hub.tokens.drain-token=drainer")
class StarterDrainIntegrationTests extends PostgresSchemaSupport {

	private static final int QUEUED = 100_000;

	@LocalServerPort
	int port;

	@Autowired
	JdbcTemplate jdbc;

	@Test
	void aDrainOfAHundredThousandQueuedEventsIsNeverRateLimited() {
		ClientSettings settings = ClientSettings
			.builder(URI.create("ws://localhost:" + this.port + "/realtime"), "drainer")
			.build();
		try (DefaultRealtimeClient client = TestClients.create(settings, "drain-token")) {
			for (int i = 0; i < QUEUED; i++) {
				client.sendEvent("note.saved", Map.of("n", i));
			}
			List<ConnectionState> states = new CopyOnWriteArrayList<>();
			client.onConnectionStateChange((change) -> states.add(change.current()));
			long start = System.nanoTime();
			client.connect();
			await().atMost(Duration.ofMinutes(10)).until(() -> client.pendingCount() == 0);
			double seconds = (System.nanoTime() - start) / 1e9;
			// one connection from start to end: a 4008 would have made the client
			// reconnect
			assertThat(states).containsExactly(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
			assertThat(client.lastError()).isNull();
			assertThat(this.jdbc.queryForObject("SELECT count(*) FROM hub_accepted_event WHERE client_id = ?",
					Long.class, client.clientId()))
				.isEqualTo(QUEUED);
			System.out.printf("Drained %,d events in %.1f s (%,.0f events/s)%n", QUEUED, seconds, QUEUED / seconds);
		}
	}

}

package dev.realtime.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.RealtimeSchema;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestDatabases;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances of an application (two clients with outboxes of their own owner id) for
 * one user on one PostgreSQL database and a real hub, at the default poll interval and
 * lease: only the lease holder connects, the other stands by, and a graceful stop hands
 * over at once.
 */
class RelayLeaseIntegrationTests {

	private TestDatabases.Isolated database;

	private HikariDataSource dataSource;

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.database = TestDatabases.postgres().createIsolated("lease");
		this.dataSource = new HikariDataSource();
		this.dataSource.setJdbcUrl(this.database.url());
		this.dataSource.setUsername(this.database.server().username());
		this.dataSource.setPassword(this.database.server().password());
		RealtimeSchema.migrate(this.dataSource);
		this.hub = this.fixture.hub();
	}

	@AfterEach
	void tearDown() {
		this.clients.forEach(DefaultRealtimeClient::close);
		this.dataSource.close();
		this.database.close();
	}

	private DefaultRealtimeClient instance(String owner) {
		// defaults of the properties: poll interval 1 s, lease 30 s
		ClientSettings settings = TestClients.fastSettings(this.hub.uri(), "alice").build();
		JdbcOutboundQueueFactory outbox = new JdbcOutboundQueueFactory(this.dataSource, new JsonMapper(), 100_000,
				Duration.ofSeconds(30), Duration.ofSeconds(5), owner, Clock.systemUTC());
		DefaultRealtimeClient client = TestClients.create(settings, new StaticTokenProvider("t"),
				outbox.create("alice"), new InMemoryInboundStore());
		this.clients.add(client);
		return client;
	}

	@Test
	void onlyTheLeaseHolderConnectsTheOtherRelaysThroughItAndTakesOverAtOnceAfterAGracefulStop() {
		DefaultRealtimeClient first = instance("instance-" + UUID.randomUUID());
		DefaultRealtimeClient second = instance("instance-" + UUID.randomUUID());
		first.connect();
		await().until(() -> first.connectionState() == ConnectionState.CONNECTED);
		second.connect();
		await().until(() -> second.connectionState() == ConnectionState.STANDBY);
		assertThat(this.hub.openConnections()).isEqualTo(1);

		// the standby's events go to the shared outbox; the holder relays them within a
		// poll
		for (int i = 0; i < 10; i++) {
			second.sendEvent("from.standby", Map.of("i", i));
			first.sendEvent("from.holder", Map.of("i", i));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.hub.accepted().size() == 20);
		assertThat(first.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertThat(second.connectionState()).isEqualTo(ConnectionState.STANDBY);

		first.disconnect();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.connectionState() == ConnectionState.CONNECTED);
		for (int i = 10; i < 15; i++) {
			second.sendEvent("from.standby", Map.of("i", i));
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> this.hub.accepted().size() == 25);
		List<EventFrame> accepted = this.hub.accepted();
		assertThat(accepted).extracting(EventFrame::seq)
			.containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 25).boxed().toList());
		assertThat(accepted).extracting(EventFrame::idempotencyKey).doesNotHaveDuplicates();
		assertThat(accepted.stream().filter((event) -> event.event().equals("from.standby")))
			.extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(java.util.stream.IntStream.range(0, 15).boxed().toList());
		assertThat(this.hub.openConnections()).isEqualTo(1);
	}

}

package dev.realtime.demo.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.demo.ChildJvm;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service killed (SIGKILL) inside a transaction that sent events, before it commits:
 * the events it sends in a transaction are held for the commit, so none of them was
 * written nor reaches the hub; the chunks committed before are delivered; and the service
 * started again sends the killed chunk once, as a new transaction. The hub runs in this
 * JVM (on PostgreSQL); the service in child JVMs on PostgreSQL or MariaDB, at default
 * settings but for its lease ({@link #LEASE}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false",
				"realtime.hub.tokens.uncommitted-postgresql=uncommitted-postgresql",
				"realtime.hub.tokens.uncommitted-mariadb=uncommitted-mariadb" })
class KilledBeforeCommitIntegrationTests extends PostgresSchemaSupport {

	private static final int COUNT = 200;

	/** In the fourth chunk of 50: the first three commit, the fourth is held. */
	private static final int HOLD_AT = 151;

	private static final int COMMITTED = 150;

	/**
	 * The services' lease, shortened from the default 30 s, which the restarted process
	 * waits out after the kill, to keep the build short: what this test holds to is the
	 * transaction, not the lease; the takeover after SIGKILL at the default lease is
	 * proven by CrashRecoveryIntegrationTests, TwoInstancesIntegrationTests and
	 * SharedUsersIntegrationTests.
	 */
	private static final String LEASE = "realtime.outbox.lease-duration=5s";

	private final JsonMapper json = new JsonMapper();

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void aServiceKilledBeforeItsCommitSendsNoneOfItsEventsAndLosesNoneCommitted(TestDatabases.Kind kind)
			throws Exception {
		String user = "uncommitted-" + kind.name().toLowerCase(Locale.ROOT);
		try (ServiceDatabase database = ServiceDatabase.create(kind)) {
			String clientId;
			try (ChildJvm first = start(database, user, "held", List.of("delivery.hold-at=" + HOLD_AT))) {
				database.awaitReady("first");
				await("the fourth chunk sent, uncommitted").atMost(Duration.ofSeconds(120))
					.until(() -> database.holding("first"));
				clientId = database.clientId(user);
				await("the committed chunks at the hub").atMost(Duration.ofSeconds(60))
					.until(() -> this.hub.acceptedEvents(clientId).size() >= COMMITTED);
				assertThat(database.outboxPayloads()).as("rows visible while the transaction is open")
					.allSatisfy((payload) -> assertThat(item(payload)).isLessThanOrEqualTo(COMMITTED));
				first.kill();
			}
			assertThat(this.hub.acceptedEvents(clientId)).as("at the hub when the service was killed")
				.hasSize(COMMITTED);
			assertThat(database.outboxPayloads()).as("rows after the kill")
				.allSatisfy((payload) -> assertThat(item(payload)).isLessThanOrEqualTo(COMMITTED));
			assertThat(database.lastSent("first")).containsEntry(0, COMMITTED);
			try (ChildJvm restarted = start(database, user, "restarted", List.of())) {
				// the dead process's lease runs out first
				await("every event at the hub").atMost(Duration.ofSeconds(180))
					.until(() -> this.hub.acceptedEvents(clientId).size() >= COUNT);
			}
			List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
			assertThat(accepted).extracting((event) -> event.payload().get("i").intValue())
				.containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).boxed().toList());
			assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
		}
	}

	private int item(String payload) {
		return this.json.readTree(payload).get("i").intValue();
	}

	private ChildJvm start(ServiceDatabase database, String user, String run, List<String> overrides) throws Exception {
		List<String> properties = new ArrayList<>(overrides);
		properties.add(LEASE);
		// always instance "first": started again, it continues after its last committed
		// chunk
		return ChildJvm.start("killed-before-commit-" + user + "-" + run, DeliveryService.class,
				DeliveryService.arguments(this.port, user, user, database.isolated(), "first", COUNT, 1, properties));
	}

}

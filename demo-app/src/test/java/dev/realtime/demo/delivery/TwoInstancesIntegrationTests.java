package dev.realtime.demo.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.realtime.client.ConnectionState;
import dev.realtime.demo.ChildJvm;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two live processes of one service (two replicas of the same user on one database, in
 * child JVMs, at default settings), each sending from two threads while the hub pushes
 * events to the user: every event reaches the hub once and in the order each thread sent
 * it; when the process that holds the connection is killed with SIGKILL, the other one
 * delivers everything the killed one committed within the lease plus one poll interval;
 * and every inbound event reaches the listeners of the two processes once in total.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.replicas-postgresql=replicas-postgresql",
				"realtime.hub.tokens.replicas-mariadb=replicas-mariadb" })
class TwoInstancesIntegrationTests extends PostgresSchemaSupport {

	private static final int COUNT = 500;

	private static final int THREADS = 2;

	private static final int PUSHES = 30;

	private static final String PUSHED = "delivery.push";

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	private int pushed;

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void replicasDeliverEverythingOnceAndTheSurvivorTakesOverWithinLeaseAndPoll(TestDatabases.Kind kind)
			throws Exception {
		String user = "replicas-" + kind.name().toLowerCase(Locale.ROOT);
		try (ServiceDatabase database = ServiceDatabase.create(kind);
				ChildJvm a = startService(database, user, "a");
				ChildJvm b = startService(database, user, "b")) {
			database.awaitReady("a");
			database.awaitReady("b");
			String clientId = database.clientId(user);
			push(user, PUSHES / 3);
			await().atMost(Duration.ofSeconds(120))
				.until(() -> this.hub.acceptedEvents(clientId).size(), (accepted) -> accepted >= COUNT);
			push(user, PUSHES / 3);

			// kill the process that holds the connection (under the contract the other
			// stands by)
			boolean aConnected = ConnectionState.CONNECTED.name().equals(database.state("a"));
			ChildJvm victim = aConnected ? a : b;
			String survivor = aConnected ? "b" : "a";
			victim.kill();
			Instant killedAt = Instant.now();
			Map<Integer, Integer> victimCommitted = database.lastSent(aConnected ? "a" : "b");
			push(user, PUSHES - this.pushed);

			await().atMost(Duration.ofSeconds(120))
				.until(() -> database.lastSent(survivor),
						(progress) -> progress.values().stream().allMatch((last) -> last == COUNT));
			Instant survivorDone = Instant.now();
			int expected = THREADS * COUNT + victimCommitted.values().stream().mapToInt(Integer::intValue).sum();
			Instant deadline = CrashRecoveryIntegrationTests
				.latest(killedAt.plus(CrashRecoveryIntegrationTests.LEASE), survivorDone)
				.plus(CrashRecoveryIntegrationTests.POLL)
				.plus(CrashRecoveryIntegrationTests.TRANSFER);
			await("events at the hub").atMost(Duration.between(Instant.now(), deadline))
				.until(() -> this.hub.acceptedEvents(clientId).size(), (accepted) -> accepted >= expected);

			List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
			assertThat(accepted).hasSize(expected);
			assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
			for (int thread = 0; thread < THREADS; thread++) {
				assertThat(numbers(accepted, survivor, thread)).as("thread %d of the survivor", thread)
					.containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).boxed().toList());
				assertThat(numbers(accepted, aConnected ? "a" : "b", thread)).as("thread %d of the killed one", thread)
					.containsExactlyElementsOf(IntStream.rangeClosed(1, victimCommitted.get(thread)).boxed().toList());
			}

			// the user's stream holds the pushes and, echoed by the hub, the user's own
			// events
			long streamLength = expected + PUSHES;
			await("inbound events processed").atMost(Duration.ofSeconds(60))
				.until(database::receivedDistinct, (seqs) -> seqs >= streamLength);
			assertThat(database.receivedDistinct()).isEqualTo(streamLength);
			assertThat(database.received()).as("inbound events processed by the listeners of both processes")
				.isEqualTo(streamLength);
		}
	}

	private void push(String user, int count) {
		for (int i = 0; i < count; i++) {
			this.hub.push(user, PUSHED, Map.of("n", ++this.pushed));
		}
	}

	private static List<Integer> numbers(List<AcceptedEvent> accepted, String instance, int thread) {
		List<Integer> numbers = new ArrayList<>();
		for (AcceptedEvent event : accepted) {
			if (event.payload().get("instance").stringValue().equals(instance)
					&& event.payload().get("thread").intValue() == thread) {
				numbers.add(event.payload().get("i").intValue());
			}
		}
		return numbers;
	}

	private ChildJvm startService(ServiceDatabase database, String user, String instance) throws Exception {
		return ChildJvm.start("two-instances-" + user + "-" + instance, DeliveryService.class,
				DeliveryService.arguments(this.port, user, user, database.isolated(), instance, COUNT, THREADS));
	}

}

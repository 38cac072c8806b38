package dev.realtime.demo.delivery;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.realtime.demo.ChildJvm;
import dev.realtime.demo.PostgresSchemaSupport;
import dev.realtime.demo.hub.AcceptedEvent;
import dev.realtime.demo.hub.Hub;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The delivery guarantees over the HTTP transport ({@code realtime.transport=http}):
 * 2,000 events each way between a service (a child JVM at default settings, its outbox
 * and inbox on PostgreSQL) and the hub (in this JVM, on PostgreSQL), with the connection
 * dropped by the hub in the middle and the service stopped and started again once. Every
 * event arrives once and in order, both ways.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "demo.hub.tokens.over-http=over-http" })
class HttpDeliveryTests extends PostgresSchemaSupport {

	private static final String USER = "over-http";

	private static final String PUBLISHED = "delivery.published";

	private static final int COUNT = 2_000;

	private static final Duration WAIT = Duration.ofSeconds(120);

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	@Test
	void twoThousandEventsEachWayAcrossADropAndARestartArriveOnceInOrder() throws Exception {
		try (ServiceDatabase database = ServiceDatabase.create(TestDatabases.Kind.POSTGRESQL)) {
			String clientId;
			CompletableFuture<Void> publisher;
			try (ChildJvm first = startService(database, "first")) {
				database.awaitReady("service");
				await().atMost(WAIT).until(() -> database.clientId(USER) != null);
				clientId = database.clientId(USER);
				// both ways at once: the hub publishes while the service sends, across
				// the
				// drop and the restart
				publisher = CompletableFuture.runAsync(this::publish);
				await("first events at the hub").atMost(WAIT).until(() -> accepted(clientId) >= 500);
				assertThat(this.hub.closeSessions(USER, CloseCodes.GOING_AWAY, "dropped by the test")).isEqualTo(1);
				await("events after the drop").atMost(WAIT).until(() -> accepted(clientId) >= 1000);
				first.stop();
				assertThat(accepted(clientId)).as("accepted when the service stopped").isLessThan(COUNT);
				assertThat(Files.readString(first.log())).contains(
						"Realtime transport: http (SockJS at http://localhost:" + this.port + "/realtime-sockjs)");
			}
			try (ChildJvm restarted = startService(database, "restarted")) {
				publisher.get(WAIT.toSeconds(), TimeUnit.SECONDS);
				await("all events at the hub").atMost(WAIT).until(() -> accepted(clientId) >= COUNT);
				await("all events at the service").atMost(WAIT)
					.until(() -> database.received(PUBLISHED).size() >= COUNT
							&& database.received(DeliveryService.ITEM).size() >= COUNT);
			}
			List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
			assertThat(accepted).extracting((event) -> event.payload().get("i").intValue())
				.as("service's events accepted by the hub, in seq order")
				.containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).boxed().toList());
			assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
			assertThat(database.received(PUBLISHED)).extracting(ServiceDatabase.Received::item)
				.as("published events at the service's listener, in the order called")
				.containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).boxed().toList());
			assertThat(database.received(DeliveryService.ITEM)).extracting(ServiceDatabase.Received::item)
				.as("the service's own events back at its listener, in the order called")
				.containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).boxed().toList());
			assertThat(database.received()).as("inbound events stored, no seq twice")
				.isEqualTo(database.receivedDistinct())
				.isEqualTo(2L * COUNT);
		}
	}

	private ChildJvm startService(ServiceDatabase database, String run) throws Exception {
		// one instance name: the restarted service continues after its last committed
		// chunk; 200 events a second so that the drop and the restart find events in
		// flight
		List<String> arguments = new ArrayList<>(
				DeliveryService.arguments(this.port, USER, USER, database.isolated(), "service", COUNT, 1));
		arguments.add("--realtime.transport=http");
		arguments.add("--delivery.rate=200");
		return ChildJvm.start("http-delivery-" + run, DeliveryService.class, arguments);
	}

	private void publish() {
		long due = System.nanoTime();
		for (int i = 1; i <= COUNT; i++) {
			// a publisher's pace (100 a second), not a wait for a result
			due += TimeUnit.MILLISECONDS.toNanos(10);
			LockSupport.parkNanos(due - System.nanoTime());
			this.hub.push(USER, PUBLISHED, Map.of("i", i));
		}
	}

	private int accepted(String clientId) {
		return this.hub.acceptedEvents(clientId).size();
	}

}

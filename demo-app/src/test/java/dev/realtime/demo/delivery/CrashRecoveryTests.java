package dev.realtime.demo.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.realtime.demo.ChildJvm;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.hub.HubTap;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A service process stopped while its outbox holds committed events that the hub has not
 * acked, then started again on the same database at default settings: the restarted
 * process delivers every pending event exactly once and in order, by itself (it sends
 * nothing new), within the lease of the dead process plus one poll interval after a
 * SIGKILL and at once after a graceful stop. The hub runs in this JVM (on PostgreSQL) and
 * holds back the events after the first 300, so that the stop finds 700 events pending;
 * the service runs in child JVMs on PostgreSQL or MariaDB.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.killed-postgresql=killed-postgresql",
				"realtime.hub.tokens.killed-mariadb=killed-mariadb",
				"realtime.hub.tokens.stopped-postgresql=stopped-postgresql",
				"realtime.hub.tokens.stopped-mariadb=stopped-mariadb" })
@Import(HubTap.class)
class CrashRecoveryTests extends PostgresSchemaSupport {

	/** Default of realtime.outbox.lease-duration, which the services run with. */
	static final Duration LEASE = Duration.ofSeconds(30);

	/** Default of realtime.outbox.poll-interval, which the services run with. */
	static final Duration POLL = Duration.ofSeconds(1);

	/**
	 * Time allowed beyond the contract's bound for sending the pending events over a
	 * shared 2-core machine.
	 */
	static final Duration TRANSFER = Duration.ofSeconds(10);

	private static final int COUNT = 1_000;

	private static final int ACCEPTED_BEFORE_STOP = 300;

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	@Autowired
	private HubTap tap;

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void killedServiceDeliversItsPendingEventsAfterRestartWithinLeaseAndPoll(TestDatabases.Kind kind) throws Exception {
		String user = "killed-" + kind.name().toLowerCase(Locale.ROOT);
		try (ServiceDatabase database = ServiceDatabase.create(kind)) {
			String clientId = runUntilPending(database, user, ChildJvm::kill);
			Instant killedAt = Instant.now();
			try (ChildJvm restarted = startService(database, user, "restarted", 0)) {
				Instant ready = database.awaitReady("restarted");
				Instant deadline = latest(killedAt.plus(LEASE), ready).plus(POLL).plus(TRANSFER);
				await("events at the hub").atMost(Duration.between(Instant.now(), deadline))
					.until(() -> this.hub.acceptedEvents(clientId).size(), (accepted) -> accepted >= COUNT);
			}
			assertDeliveredOnceInOrder(clientId);
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void gracefullyStoppedServiceDeliversItsPendingEventsRightAfterRestart(TestDatabases.Kind kind) throws Exception {
		String user = "stopped-" + kind.name().toLowerCase(Locale.ROOT);
		try (ServiceDatabase database = ServiceDatabase.create(kind)) {
			String clientId = runUntilPending(database, user, ChildJvm::stop);
			Instant stoppedAt = Instant.now();
			try (ChildJvm restarted = startService(database, user, "restarted", 0)) {
				Instant ready = database.awaitReady("restarted");
				// a graceful stop hands the lease over at once: no waiting for it to
				// expire
				await("events at the hub").atMost(POLL.plus(TRANSFER))
					.until(() -> this.hub.acceptedEvents(clientId).size(), (accepted) -> accepted >= COUNT);
				assertThat(Duration.between(stoppedAt, Instant.now()))
					.as("from the stop to the last delivery, ready " + Duration.between(stoppedAt, ready).toMillis()
							+ " ms after the stop")
					.isLessThan(LEASE);
			}
			assertDeliveredOnceInOrder(clientId);
		}
	}

	/**
	 * Run the service until it has committed all its events and the hub accepted the
	 * first ones, then stop it.
	 * @return the client id of the service
	 */
	private String runUntilPending(ServiceDatabase database, String user, Stopper stopper) throws Exception {
		this.tap.holdEvents(user, ACCEPTED_BEFORE_STOP);
		String clientId;
		try (ChildJvm first = startService(database, user, "first", COUNT)) {
			database.awaitReady("first");
			await("events committed").atMost(Duration.ofSeconds(120))
				.until(() -> database.lastSent("first").get(0), (last) -> last != null && last == COUNT);
			clientId = database.clientId(user);
			await().atMost(Duration.ofSeconds(30))
				.until(() -> this.hub.acceptedEvents(clientId).size() >= ACCEPTED_BEFORE_STOP);
			stopper.stop(first);
		}
		assertThat(this.hub.acceptedEvents(clientId)).as("accepted when the service stopped")
			.hasSize(ACCEPTED_BEFORE_STOP);
		this.tap.releaseEvents(user);
		return clientId;
	}

	private void assertDeliveredOnceInOrder(String clientId) {
		List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
		assertThat(accepted).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, COUNT).boxed().toList());
		assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
	}

	private ChildJvm startService(ServiceDatabase database, String user, String instance, int count) throws Exception {
		return ChildJvm.start("crash-recovery-" + user + "-" + instance, DeliveryService.class, DeliveryService
			.arguments(this.port, user, user, database.isolated(), instance, count, (count > 0) ? 1 : 0));
	}

	static Instant latest(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	@FunctionalInterface
	private interface Stopper {

		void stop(ChildJvm jvm) throws InterruptedException;

	}

}

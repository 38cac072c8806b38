package dev.realtime.demo.delivery;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
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
 * the service runs in child JVMs on PostgreSQL or MariaDB. A service without JPA on its
 * classpath goes through the same crash with its inbox too, at a shorter lease
 * ({@link #NO_JPA_LEASE}).
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "realtime.auto-connect=false",
		"realtime.hub.tokens.killed-postgresql=killed-postgresql", "realtime.hub.tokens.killed-mariadb=killed-mariadb",
		"realtime.hub.tokens.stopped-postgresql=stopped-postgresql",
		"realtime.hub.tokens.stopped-mariadb=stopped-mariadb", "realtime.hub.tokens.nojpa-postgresql=nojpa-postgresql",
		"realtime.hub.tokens.nojpa-mariadb=nojpa-mariadb" })
@Import(HubTap.class)
class CrashRecoveryIntegrationTests extends PostgresSchemaSupport {

	/** Default of realtime.outbox.lease-duration, which the services run with. */
	static final Duration LEASE = Duration.ofSeconds(30);

	/**
	 * The lease of the service without JPA, shortened from the default to keep the build
	 * short: its outbox is the same JDBC outbox as the JPA service's, whose takeover
	 * after SIGKILL at the default lease the first test proves on both databases; what
	 * that test adds is the classpath and the inbox.
	 */
	static final Duration NO_JPA_LEASE = Duration.ofSeconds(5);

	/** Default of realtime.outbox.poll-interval, which the services run with. */
	static final Duration POLL = Duration.ofSeconds(1);

	/**
	 * Time allowed beyond the contract's bound for sending the pending events over a
	 * shared 2-core machine.
	 */
	static final Duration TRANSFER = Duration.ofSeconds(10);

	private static final int COUNT = 1_000;

	private static final int ACCEPTED_BEFORE_STOP = 300;

	/** Inbound events the hub pushes right before the kill, and as many while down. */
	private static final int PUSHES = 100;

	private static final String PUSHED = "delivery.pushed";

	/**
	 * Jars a service on plain JDBC, Spring Data JDBC, jOOQ or MyBatis does not have:
	 * Hibernate, the Jakarta Persistence API, Spring ORM, Spring Data JPA and Boot's JPA
	 * and Hibernate modules.
	 */
	private static final List<String> JPA_JARS = List.of("hibernate-", "jakarta.persistence-api-", "spring-orm-",
			"spring-data-jpa-", "spring-boot-data-jpa-", "spring-boot-jpa-", "spring-boot-hibernate-",
			"spring-boot-starter-data-jpa-");

	private static final String TEST_CLASS_PATH = System.getProperty("java.class.path");

	/** The test's classpath, every setting at its default. */
	private static final Service DEFAULTS = new Service(TEST_CLASS_PATH, List.of());

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
			String clientId = runUntilPending(database, user, DEFAULTS, ChildJvm::kill);
			Instant killedAt = Instant.now();
			try (ChildJvm restarted = startService(database, user, DEFAULTS, "restarted", 0)) {
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
			String clientId = runUntilPending(database, user, DEFAULTS, ChildJvm::stop);
			Instant stoppedAt = Instant.now();
			try (ChildJvm restarted = startService(database, user, DEFAULTS, "restarted", 0)) {
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
	 * A service with spring-boot-starter-jdbc and Flyway and no JPA on its classpath,
	 * killed with SIGKILL while 700 of its events are pending and inbound events the hub
	 * just pushed are on their way to its listener (which records them in the inbox's
	 * transaction), and started again while the hub pushed more: its outbox and inbox are
	 * in the database, so every outbound event reaches the hub once and in order, and
	 * every inbound event reaches the listener once.
	 */
	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void killedServiceWithoutJpaDeliversItsPendingAndInboundEventsOnce(TestDatabases.Kind kind) throws Exception {
		String user = "nojpa-" + kind.name().toLowerCase(Locale.ROOT);
		String classPath = Arrays.stream(TEST_CLASS_PATH.split(File.pathSeparator))
			.filter((entry) -> JPA_JARS.stream().noneMatch(Path.of(entry).getFileName().toString()::startsWith))
			.collect(Collectors.joining(File.pathSeparator));
		assertThat(TEST_CLASS_PATH).contains("jakarta.persistence-api-").contains("hibernate-core-");
		assertThat(classPath).doesNotContain("jakarta.persistence").doesNotContain("hibernate");
		Service service = new Service(classPath,
				List.of("realtime.outbox.lease-duration=" + NO_JPA_LEASE.toSeconds() + "s"));
		try (ServiceDatabase database = ServiceDatabase.create(kind)) {
			String clientId = runUntilPending(database, user, service, (first) -> {
				push(user, 1);
				first.kill();
			});
			Instant killedAt = Instant.now();
			push(user, PUSHES + 1);
			try (ChildJvm restarted = startService(database, user, service, "restarted", 0)) {
				Instant ready = database.awaitReady("restarted");
				Instant deadline = latest(killedAt.plus(NO_JPA_LEASE), ready).plus(POLL).plus(TRANSFER);
				await("events at the hub").atMost(Duration.between(Instant.now(), deadline))
					.until(() -> this.hub.acceptedEvents(clientId).size(), (accepted) -> accepted >= COUNT);
				await("inbound events at the listener").atMost(Duration.ofSeconds(60))
					.until(() -> database.received(PUSHED).size(), (received) -> received >= 2 * PUSHES);
				assertThat(Files.readString(restarted.log()))
					.contains("Realtime outbox, inbox and read receipts are in the database of DataSource "
							+ "'dataSource' (JDBC)")
					.doesNotContain("EntityManagerFactory");
			}
			assertDeliveredOnceInOrder(clientId);
			assertThat(database.received(PUSHED)).extracting(ServiceDatabase.Received::item)
				.as("pushed events at the listener, in the order called")
				.containsExactlyElementsOf(IntStream.rangeClosed(1, 2 * PUSHES).boxed().toList());
			assertThat(database.received()).as("inbound events at the listener").isEqualTo(database.receivedDistinct());
		}
	}

	private void push(String user, int from) {
		for (int n = from; n < from + PUSHES; n++) {
			this.hub.push(user, PUSHED, Map.of("i", n));
		}
	}

	/**
	 * Run the service until it has committed all its events and the hub accepted the
	 * first ones, then stop it.
	 * @return the client id of the service
	 */
	private String runUntilPending(ServiceDatabase database, String user, Service service, Stopper stopper)
			throws Exception {
		this.tap.holdEvents(user, ACCEPTED_BEFORE_STOP);
		String clientId;
		try (ChildJvm first = startService(database, user, service, "first", COUNT)) {
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

	private ChildJvm startService(ServiceDatabase database, String user, Service service, String instance, int count)
			throws Exception {
		return ChildJvm.start(
				"crash-recovery-" + user + "-" + instance, DeliveryService.class, DeliveryService.arguments(this.port,
						user, user, database.isolated(), instance, count, (count > 0) ? 1 : 0, service.properties()),
				service.classPath());
	}

	static Instant latest(Instant a, Instant b) {
		return a.isAfter(b) ? a : b;
	}

	/**
	 * The service's classpath and the properties it runs with beside the test's.
	 */
	private record Service(String classPath, List<String> properties) {

	}

	@FunctionalInterface
	private interface Stopper {

		void stop(ChildJvm jvm) throws InterruptedException;

	}

}

package dev.realtime.demo.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.realtime.demo.ChildJvm;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two live processes of one service (child JVMs, default settings) on one PostgreSQL
 * database with 100 shared users, both sending to every user: each process relays between
 * 35 and 65 of the users; when one is killed with SIGKILL, the other holds all its users
 * within the lease plus one poll interval, and the hub holds every event the two
 * committed once, in the order each process sent it.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = "realtime.auto-connect=false")
class SharedUsersIntegrationTests extends PostgresSchemaSupport {

	private static final Log logger = LogFactory.getLog(SharedUsersIntegrationTests.class);

	private static final int USERS = 100;

	private static final int ROUNDS = 60;

	/** Rounds a second: the sending lasts 30 s, so the kill falls in the middle of it. */
	private static final int RATE = 2;

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	@Test
	void sharedUsersAreSpreadOverTwoProcessesAndASurvivorTakesOverAKilledOnesWithinLeaseAndPoll() throws Exception {
		try (ServiceDatabase database = ServiceDatabase.create(TestDatabases.Kind.POSTGRESQL);
				ChildJvm a = start(database, "a");
				ChildJvm b = start(database, "b")) {
			database.awaitReady("a");
			database.awaitReady("b");
			JdbcTemplate jdbc = jdbc(database.isolated());
			await("users spread over both").atMost(Duration.ofSeconds(60)).until(() -> owners(jdbc), (owners) -> {
				int held = owners.values().stream().mapToInt(Integer::intValue).sum();
				// settled: neither holds more than its share, ceil(100 / 2)
				return held == USERS && owners.getOrDefault("a", 0) <= USERS / 2
						&& owners.getOrDefault("b", 0) <= USERS / 2;
			});
			Map<String, Integer> spread = owners(jdbc);
			logger.info("Shared users per process: " + spread);
			assertThat(spread.get("a")).isBetween(35, 65);
			assertThat(spread.get("b")).isBetween(35, 65);
			await().atMost(Duration.ofSeconds(60)).until(() -> database.lastSent("b").get(0), (sent) -> sent >= 10);

			b.kill();
			long killed = System.nanoTime();
			int victimCommitted = database.lastSent("b").get(0);
			Duration limit = CrashRecoveryIntegrationTests.LEASE.plus(CrashRecoveryIntegrationTests.POLL);
			await("the survivor holds every user").atMost(limit.plusSeconds(10))
				.until(() -> owners(jdbc).getOrDefault("a", 0) == USERS);
			Duration takeover = Duration.ofNanos(System.nanoTime() - killed);
			logger.info("Killed b (SIGKILL) after it committed " + victimCommitted + " rounds; a held all " + USERS
					+ " users " + takeover.toMillis() + " ms later");
			// the leases end at most 30 s after b's last renewal, before the kill, and a
			// takes them at its next poll; a second covers the statements and the
			// scheduler
			assertThat(takeover).isLessThanOrEqualTo(limit.plusSeconds(1));

			await("a sent everything").atMost(Duration.ofSeconds(120))
				.until(() -> database.lastSent("a").get(0), (sent) -> sent == ROUNDS);
			for (int i = 0; i < USERS; i++) {
				String user = SharedUsersService.user(i);
				String clientId = database.clientId(user);
				await("events of " + user).atMost(Duration.ofSeconds(60))
					.until(() -> this.hub.acceptedEvents(clientId).size(), (n) -> n >= ROUNDS + victimCommitted);
				List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
				assertThat(accepted).as(user).hasSize(ROUNDS + victimCommitted);
				assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
				assertThat(numbers(accepted, "a")).as("events of a to " + user)
					.containsExactlyElementsOf(IntStream.rangeClosed(1, ROUNDS).boxed().toList());
				assertThat(numbers(accepted, "b")).as("events of b to " + user)
					.containsExactlyElementsOf(IntStream.rangeClosed(1, victimCommitted).boxed().toList());
			}
			logger.info("Hub: " + USERS * (ROUNDS + victimCommitted) + " events accepted, each key once, in order");
		}
	}

	private ChildJvm start(ServiceDatabase database, String instance) throws Exception {
		return ChildJvm.start("shared-users-" + instance, SharedUsersService.class,
				SharedUsersService.arguments(this.port, database.isolated(), instance, USERS, ROUNDS, RATE));
	}

	private static JdbcTemplate jdbc(TestDatabases.Isolated database) {
		return new JdbcTemplate(new DriverManagerDataSource(database.url(), database.server().username(),
				database.server().password()));
	}

	private static Map<String, Integer> owners(JdbcTemplate jdbc) {
		Map<String, Integer> owners = new HashMap<>();
		for (Map<String, Object> row : jdbc
			.queryForList("select relay_owner, count(*) as users from realtime_client where placement = 'SHARED'"
					+ " and relay_owner is not null group by relay_owner")) {
			owners.put((String) row.get("relay_owner"), ((Number) row.get("users")).intValue());
		}
		return owners;
	}

	private static List<Integer> numbers(List<AcceptedEvent> accepted, String instance) {
		List<Integer> numbers = new ArrayList<>();
		for (AcceptedEvent event : accepted) {
			if (event.payload().get("instance").stringValue().equals(instance)) {
				numbers.add(event.payload().get("n").intValue());
			}
		}
		return numbers;
	}

}

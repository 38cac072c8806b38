package dev.realtime.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.Placement;
import dev.realtime.client.UserProfile;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.test.CountingDataSource;
import dev.realtime.test.RealtimeSchema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The user assignments' rules on an embedded H2 database, poll by poll (the scheduler is
 * not started: each test runs the polls in the order it describes): fair shares, the
 * surplus given back when an instance joins, pinned users never taken by another
 * instance, unregistered users taken by nobody, and a profile read back as registered.
 */
class JdbcUserAssignmentsTests {

	private JdbcDataSource dataSource;

	private final List<Node> nodes = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.dataSource = new JdbcDataSource();
		this.dataSource.setURL("jdbc:h2:mem:assignments-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
		RealtimeSchema.migrate(this.dataSource);
	}

	@AfterEach
	void tearDown() {
		this.nodes.forEach(Node::close);
		new JdbcTemplate(this.dataSource).execute("shutdown");
	}

	private Node node(String name) {
		Node node = new Node(name, this.dataSource);
		this.nodes.add(node);
		return node;
	}

	private void awaitOwned(String owner, int users) {
		JdbcTemplate jdbc = new JdbcTemplate(this.dataSource);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> jdbc.queryForObject("select count(*) from realtime_client where relay_owner = ?",
					Integer.class, owner), (owned) -> owned == users);
	}

	private static void registerShared(Node node, int count) {
		for (int i = 0; i < count; i++) {
			node.assignments.register(UserProfile.of("user-" + i).withCustomFields(Map.of("i", i)), Placement.SHARED);
		}
	}

	@Test
	void aJoiningInstanceGetsTheSurplusOfTheOtherAndEachHoldsItsFairShare() {
		Node a = node("a");
		Node b = node("b");
		registerShared(a, 100);
		a.poll();
		assertThat(a.running).hasSize(100);
		b.poll();
		assertThat(b.running).as("nothing free yet").isEmpty();
		a.poll();
		// the surplus is handed over off the polling thread: its clients stop, then its
		// leases are released
		awaitOwned("a", 50);
		assertThat(a.running).as("a gave back its surplus").hasSize(50);
		b.poll();
		assertThat(b.running).hasSize(50);
		assertThat(b.running.keySet()).doesNotContainAnyElementsOf(a.running.keySet());
		assertThat(a.assignments.held()).isEqualTo(a.running.keySet());
		assertThat(b.assignments.held()).isEqualTo(b.running.keySet());

		Node c = node("c");
		c.poll();
		a.poll();
		b.poll();
		awaitOwned("a", 34);
		awaitOwned("b", 34);
		c.poll();
		// ceil(100 / 3) = 34 at most each
		assertThat(List.of(a.running.size(), b.running.size(), c.running.size()))
			.allSatisfy((held) -> assertThat(held).isBetween(32, 34));
		assertThat(a.running.size() + b.running.size() + c.running.size()).isEqualTo(100);
	}

	@Test
	void aGracefulStopReleasesEveryLeaseSoTheOtherTakesTheUsersAtItsNextPoll() {
		Node a = node("a");
		Node b = node("b");
		registerShared(a, 20);
		a.poll();
		b.poll();
		a.poll();
		awaitOwned("a", 10);
		b.poll();
		assertThat(b.running).hasSize(10);
		a.assignments.destroy();
		assertThat(a.running).as("a stopped its users' clients first").isEmpty();
		b.poll();
		assertThat(b.running).hasSize(20);
		assertThat(b.running.get("user-3")).isEqualTo(UserProfile.of("user-3").withCustomFields(Map.of("i", 3)));
	}

	@Test
	void aPinnedUserStaysWithItsInstanceAndAnUnregisteredOneWithNobody() {
		Node a = node("a");
		Node b = node("b");
		a.assignments.register(UserProfile.of("pinned"), Placement.PINNED);
		registerShared(a, 2);
		assertThat(a.assignments.held()).containsExactly("pinned");
		a.poll();
		b.poll();
		a.poll();
		awaitOwned("a", 2);
		b.poll();
		assertThat(a.running).as("the pinned user and one shared user").hasSize(2).containsKey("pinned");
		assertThat(b.running).hasSize(1);
		assertThat(b.assignments.held()).doesNotContain("pinned");

		a.assignments.unregister("user-0");
		a.assignments.unregister("user-1");
		a.assignments.destroy();
		b.poll();
		awaitOwned("b", 0);
		b.poll();
		assertThat(b.assignments.held()).as("the pinned user was released but is not b's to take")
			.doesNotContain("pinned");
		assertThat(b.running).as("b stopped the user unregistered elsewhere").isEmpty();
		assertThat(b.assignments.held()).isEmpty();
	}

	@Test
	void anInstanceRestartedUnderItsIdTakesItsUsersBackAtOnce() {
		Node before = node("a");
		before.assignments.register(UserProfile.of("pinned"), Placement.PINNED);
		registerShared(before, 10);
		before.poll();
		assertThat(before.held()).hasSize(11);
		// the process dies: nothing is released, the leases run for 30 s more
		Node after = node("a");
		after.assignments.register(UserProfile.of("pinned"), Placement.PINNED);
		assertThat(after.held()).containsExactly("pinned");
		after.poll();
		assertThat(after.held()).hasSize(11);
		assertThat(after.running).hasSize(11);
	}

	@Test
	void aPollRunsTheSameStatementsWhateverTheNumberOfUsers() {
		Node a = node("a");
		registerShared(a, 5);
		a.poll();
		a.poll();
		long few = a.countPoll();
		registerShared(a, 200);
		a.poll();
		assertThat(a.running).hasSize(200);
		long many = a.countPoll();
		// heartbeat, renew and read the leases, counts, new rows
		assertThat(many).isEqualTo(few).isEqualTo(5);
	}

	/**
	 * An instance: its assignments and what its listener was told.
	 */
	private static final class Node implements UserAssignments.Listener {

		final Map<String, UserProfile> running = new ConcurrentHashMap<>();

		final CountingDataSource statements;

		final JdbcOutboundQueueFactory queues;

		final JdbcUserAssignments assignments;

		Node(String name, JdbcDataSource dataSource) {
			this.statements = new CountingDataSource(dataSource);
			this.queues = new JdbcOutboundQueueFactory(this.statements.dataSource(), new JsonMapper(), 1000,
					Duration.ofSeconds(30), Duration.ofSeconds(5), name, Clock.systemUTC());
			this.assignments = new JdbcUserAssignments(this.queues, new JsonMapper(), Duration.ofSeconds(1));
			this.assignments.listen(this);
		}

		void poll() {
			this.assignments.pollSafely();
		}

		long countPoll() {
			long before = this.statements.onThisThread();
			poll();
			return this.statements.onThisThread() - before;
		}

		@Override
		public void assigned(UserProfile profile) {
			this.running.put(profile.id(), profile);
		}

		@Override
		public void revoked(String userId) {
			this.running.remove(userId);
			this.queues.lease(userId).release();
		}

		void close() {
			this.assignments.destroy();
			this.queues.destroy();
		}

		Set<String> held() {
			return this.assignments.held();
		}

	}

}

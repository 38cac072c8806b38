package dev.realtime.outbox;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.zaxxer.hikari.HikariDataSource;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.test.CountingDataSource;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestDatabases;

/**
 * One instance of an application in a test: its own connection pool (counting
 * statements), outbox factory and user assignments, and a listener that runs a real
 * client for every user assigned to it (what the users' registry does), at the
 * properties' default poll interval and, unless a test says otherwise, lease.
 */
final class PlacementInstance implements UserAssignments.Listener, AutoCloseable {

	static final Duration LEASE = Duration.ofSeconds(30);

	static final Duration POLL = Duration.ofSeconds(1);

	private final String name;

	private final URI hub;

	private final HikariDataSource pool;

	private final CountingDataSource counting;

	private final JdbcOutboundQueueFactory queues;

	private final JdbcUserAssignments assignments;

	private final Map<String, DefaultRealtimeClient> clients = new ConcurrentHashMap<>();

	PlacementInstance(String name, TestDatabases.Isolated database, URI hub) {
		this(name, database, hub, LEASE);
	}

	PlacementInstance(String name, TestDatabases.Isolated database, URI hub, Duration lease) {
		this.name = name;
		this.hub = hub;
		this.pool = new HikariDataSource();
		this.pool.setJdbcUrl(database.url());
		this.pool.setUsername(database.server().username());
		this.pool.setPassword(database.server().password());
		this.pool.setMaximumPoolSize(10);
		this.counting = new CountingDataSource(this.pool);
		this.queues = new JdbcOutboundQueueFactory(this.counting.dataSource(), new JsonMapper(), 100_000, lease,
				Duration.ofSeconds(5), name, Clock.systemUTC());
		this.assignments = new JdbcUserAssignments(this.queues, new JsonMapper(), POLL);
	}

	static UserProfile profile(String userId) {
		return UserProfile.of(userId).withCustomFields(Map.of("team", "placement"));
	}

	String name() {
		return this.name;
	}

	JdbcUserAssignments assignments() {
		return this.assignments;
	}

	CountingDataSource statements() {
		return this.counting;
	}

	void start() {
		this.assignments.start(this);
	}

	@Override
	public void assigned(UserProfile profile) {
		DefaultRealtimeClient client = TestClients.create(
				TestClients.fastSettings(this.hub, profile.id()).pollInterval(POLL).build(),
				new StaticTokenProvider("t"), this.queues.create(profile.id()), new InMemoryInboundStore());
		DefaultRealtimeClient previous = this.clients.put(profile.id(), client);
		if (previous != null) {
			previous.close();
		}
		client.connect();
	}

	@Override
	public void revoked(String userId) {
		DefaultRealtimeClient client = this.clients.remove(userId);
		if (client != null) {
			client.close();
		}
	}

	/**
	 * Return the client this instance runs for a user.
	 * @param userId the user
	 * @return the client, or {@code null}
	 */
	DefaultRealtimeClient client(String userId) {
		return this.clients.get(userId);
	}

	/**
	 * Return how many of this instance's clients are connected.
	 * @return the count
	 */
	long connected() {
		return this.clients.values()
			.stream()
			.filter((client) -> client.connectionState() == ConnectionState.CONNECTED)
			.count();
	}

	int held() {
		return this.assignments.held().size();
	}

	/**
	 * Die as a process killed with SIGKILL would, as far as the others can tell: the
	 * assignments stop renewing, the database becomes unreachable (so nothing is
	 * released), and the clients' connections end.
	 */
	void kill() {
		this.assignments.halt();
		this.pool.close();
		this.clients.values().forEach(DefaultRealtimeClient::close);
		this.clients.clear();
	}

	/**
	 * Stop gracefully, as an application context does: the assignments stop the clients
	 * and release the leases.
	 */
	@Override
	public void close() {
		if (!this.pool.isClosed()) {
			this.assignments.destroy();
		}
		this.clients.values().forEach(DefaultRealtimeClient::close);
		this.clients.clear();
		this.queues.destroy();
		this.pool.close();
	}

}

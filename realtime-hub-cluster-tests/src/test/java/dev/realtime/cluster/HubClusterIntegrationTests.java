package dev.realtime.cluster;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.test.FaultProxy;

import static org.awaitility.Awaitility.await;

/**
 * The hub as a cluster (issue 32): three hub processes ({@code java -jar
 * realtime-hub-server.jar}) on one fresh PostgreSQL database and one Redis
 * ({@code realtime.hub.bus=redis}), behind a round-robin TCP {@link Balancer}; 60 users
 * of the starter's {@code RealtimeClients} in one child JVM ({@link ClusterClients}) in 6
 * rooms, sending 3,000 events in three batches:
 * <ol>
 * <li>during the first, one node is SIGKILLed and restarted: its clients reconnect
 * through the balancer to the others and resume, and each other node must tell its
 * connections that a user connected to the dead node alone is offline within the
 * documented time ({@code presence-ttl} and a catch-up round);</li>
 * <li>during the second, Redis is cut for 20 s by a {@link FaultProxy} in front of the
 * test's own redis-server (connections reset, new ones refused): every node's
 * {@code redis} health component goes DOWN and back UP while liveness and readiness stay
 * UP;</li>
 * <li>the third runs on the healed cluster.</li>
 * </ol>
 * Then every event must have been accepted once (the hub's table of accepted events, and
 * the acks), and delivered once to every member of its room in each sender's order
 * without gaps; a probe connected straight to each node must see every user online; and
 * the whole run must take at most 5 minutes. Hub and client timings are at their
 * defaults.
 * <p>
 * {@code -Drealtime.cluster.large=true} runs the same at 300 users, 30 rooms and 30,000
 * events (not in CI; see docs/testing.md).
 */
class HubClusterIntegrationTests {

	private static final boolean LARGE = Boolean.getBoolean("realtime.cluster.large");

	private static final int USERS = LARGE ? 300 : 60;

	private static final int ROOMS = LARGE ? 30 : 6;

	private static final int EVENTS = LARGE ? 30_000 : 3_000;

	private static final int NODES = 3;

	/** Each third of the events takes about 10 s: the faults fall inside a batch. */
	private static final int PER_SECOND = EVENTS / 30;

	private static final Duration WALL_TIME = Duration.ofMinutes(5);

	/**
	 * Starting three JVMs at once and migrating the database: well under a minute on 2
	 * quiet cores, about 3 minutes measured on 2 cores shared with other builds (load
	 * average 26). The wall time asserted is the real limit.
	 */
	private static final Duration NODE_START = Duration.ofMinutes(4);

	private static final Duration REDIS_CUT = Duration.ofSeconds(20);

	/**
	 * The presence of a dead node's user expires within {@code presence-ttl} (30 s) of
	 * its node's last refresh, which came before the death; each other node notices at
	 * its next round, {@code catch-up-interval} (5 s) after the end of the previous one
	 * (docs/hub.md): a second interval is the margin for the rounds' own work on a loaded
	 * machine.
	 */
	private static final Duration GHOST_OFFLINE_WITHIN = Duration.ofSeconds(30 + 5 + 5);

	/** A user connected to the node the test kills, and to no other. */
	private static final String GHOST = "ghost";

	private static final String GHOST_ROOM = "room-ghost";

	private static final String JDBC = System.getProperty("realtime.cluster.jdbc-url",
			"jdbc:postgresql://127.0.0.1:5432/test");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final List<HubNode> nodes = new ArrayList<>();

	private Path directory;

	private String database;

	private Process clients;

	private Path clientsLog;

	private Writer commands;

	static String tokenOf(String user) {
		return "token-" + user;
	}

	@AfterEach
	void stopEverything() throws Exception {
		if (this.clients != null) {
			this.clients.destroy();
			if (!this.clients.waitFor(20, TimeUnit.SECONDS)) {
				this.clients.destroyForcibly();
			}
		}
		// every node stops at once; closing waits for each
		this.nodes.forEach(HubNode::terminate);
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		if (this.database != null) {
			execute("drop database if exists " + this.database + " with (force)");
		}
	}

	@Test
	void everyEventOnceInOrderThroughANodeDeathAndARedisOutage() throws Exception {
		long started = System.nanoTime();
		this.directory = Files.createTempDirectory("hub-cluster");
		this.database = "hub_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
		execute("create database " + this.database);
		RedisServer redis = closeLater(new RedisServer(this.directory));
		FaultProxy redisProxy = closeLater(FaultProxy.start("127.0.0.1", redis.port()));
		List<String> arguments = hubArguments(redisProxy.port());
		for (int i = 0; i < NODES; i++) {
			this.nodes.add(closeLater(
					new HubNode(i, RedisServer.freePort(), this.directory, LARGE ? "1g" : "512m", arguments)));
		}
		Balancer balancer = closeLater(new Balancer(this.nodes.stream().map(HubNode::port).toList()));
		// the clients' JVM starts its context while the nodes start theirs, and connects
		// once every node is up
		startClients(balancer.port());
		this.nodes.forEach(this::awaitUp);
		Duration nodesUp = Duration.ofNanos(System.nanoTime() - started);
		command("connect");
		awaitClients("READY", Duration.ofMinutes(2));
		long streamStarted = System.nanoTime();

		// phase 1: a node dies mid-stream (SIGKILL) and comes back; a user connected to
		// it alone (a probe that does not reconnect) must be told offline by the others
		HubNode victim = this.nodes.get(1);
		Map<String, PresenceProbe> watchers = watchersOfTheGhost(victim);
		int third = EVENTS / 3;
		command("send " + third + " " + PER_SECOND);
		awaitClients("SENT " + (third / 3 / 100 * 100), Duration.ofMinutes(1));
		long killed = System.nanoTime();
		victim.kill();
		victim.restart();
		awaitClients("BATCH-DONE " + third, Duration.ofMinutes(2));
		// before the Redis cut, which would hold up what the nodes tell; the victim
		// restarts meanwhile
		Map<String, Duration> ghostOffline = ghostToldOffline(watchers, killed);
		awaitUp(victim);

		// phase 2: Redis cut for 20 s mid-stream
		command("send " + third + " " + PER_SECOND);
		awaitClients("SENT " + ((third + third / 3) / 100 * 100), Duration.ofMinutes(1));
		Map<String, List<String>> redisStatuses = new ConcurrentHashMap<>();
		Map<String, List<String>> probeFailures = new ConcurrentHashMap<>();
		long cut = System.nanoTime();
		redisProxy.refuseConnections(REDIS_CUT);
		redisProxy.cutAll(FaultProxy.Cut.RESET);
		// sampling every node's health through the outage, not waiting for an outcome:
		// the loop ends when the 20 s are over, whatever the statuses were (a health
		// request may take up to its timeout, hence the margin)
		await().atMost(REDIS_CUT.plus(Duration.ofMinutes(2))).pollInterval(Duration.ofSeconds(1)).until(() -> {
			sampleHealth(redisStatuses, probeFailures);
			return System.nanoTime() - cut >= REDIS_CUT.toNanos();
		});
		redisProxy.acceptConnections();
		awaitClients("BATCH-DONE " + (2 * third), Duration.ofMinutes(2));
		boolean redisBackUp = awaitQuietly(Duration.ofSeconds(60), () -> {
			sampleHealth(redisStatuses, probeFailures);
			return this.nodes.stream().allMatch((node) -> "UP".equals(node.status("/redis")));
		});

		// phase 3: the healed cluster
		command("send " + (EVENTS - 2 * third) + " " + PER_SECOND);
		awaitClients("BATCH-DONE " + EVENTS, Duration.ofMinutes(2));
		command("verify 90");
		JsonNode report = JSON.readTree(awaitClients("VERIFIED ", Duration.ofMinutes(2)).substring(9));
		Duration stream = Duration.ofNanos(System.nanoTime() - streamStarted);

		Map<String, Map<String, String>> presence = presenceSeenByEachNode();
		long[] accepted = acceptedEvents();
		Duration wallTime = Duration.ofNanos(System.nanoTime() - started);
		String summary = String.format(
				"Hub cluster run: %d users, %d rooms, %d events over %d nodes; wall time %d s (nodes up after %d s, "
						+ "stream and checks %d s); clients: %s; accepted by the hub: %d rows (%d distinct keys); "
						+ "balancer skipped a dead node %d time(s); redis health seen per node %s; liveness/readiness "
						+ "not UP %s; presence of the killed node's own user told offline after %s",
				USERS, ROOMS, EVENTS, NODES, wallTime.toSeconds(), nodesUp.toSeconds(), stream.toSeconds(), report,
				accepted[0], accepted[1], balancer.skipped(), condensed(redisStatuses), probeFailures, ghostOffline);
		System.out.println(summary);
		Files.writeString(Path.of("target", "hub-cluster-report.txt"), summary + System.lineSeparator());

		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(report.path("sent").asLong()).as("events sent").isEqualTo(EVENTS);
		softly.assertThat(report.path("acked").asLong()).as("events acked").isEqualTo(EVENTS);
		softly.assertThat(report.path("rejected").asLong())
			.as("events rejected: %s", report.path("firstRejections"))
			.isZero();
		softly.assertThat(accepted[0])
			.as("rows in hub_accepted_event for %s (accepted once each)", ClusterClients.EVENT)
			.isEqualTo(EVENTS);
		softly.assertThat(accepted[1]).as("distinct idempotency keys accepted").isEqualTo(EVENTS);
		softly.assertThat(report.path("missing").asLong()).as("deliveries missing").isZero();
		softly.assertThat(report.path("duplicates").asLong()).as("deliveries duplicated").isZero();
		softly.assertThat(report.path("deliveries").asLong())
			.as("deliveries to room members")
			.isEqualTo(report.path("expectedDeliveries").asLong());
		softly.assertThat(report.path("problems").valueStream().map(JsonNode::asString).toList())
			.as("per-user order and gaps")
			.isEmpty();
		softly.assertThat(report.path("notConnected").valueStream().map(JsonNode::asString).toList())
			.as("users not connected at the end")
			.isEmpty();
		Map<String, List<String>> redisChanges = condensed(redisStatuses);
		for (HubNode node : this.nodes) {
			softly.assertThat(redisChanges.getOrDefault(node.name(), List.of()))
				.as("redis health of %s during and after the cut", node)
				.containsSubsequence("DOWN", "UP");
		}
		softly.assertThat(redisBackUp)
			.as("redis health UP on every node after the cut: %s", condensed(redisStatuses))
			.isTrue();
		softly.assertThat(probeFailures).as("liveness and readiness while Redis was cut").isEmpty();
		Map<String, String> everyoneOnline = IntStream.range(0, USERS)
			.mapToObj(ClusterClients::userId)
			.collect(Collectors.toMap((user) -> user, (user) -> "online"));
		ghostOffline.forEach((node, after) -> softly.assertThat(after)
			.as("time from the SIGKILL until %s told its connection that the dead node's user %s is offline", node,
					GHOST)
			.isLessThanOrEqualTo(GHOST_OFFLINE_WITHIN));
		softly.assertThat(ghostOffline).as("nodes that told the dead node's user offline").hasSize(NODES - 1);
		presence.forEach((node, seen) -> softly.assertThat(seen)
			.as("presence of the users as %s tells it", node)
			.containsAllEntriesOf(everyoneOnline));
		softly.assertThat(wallTime).as("wall time").isLessThanOrEqualTo(WALL_TIME);
		softly.assertAll();
	}

	/**
	 * Connect the ghost, a user connected to the victim alone (a probe that never
	 * reconnects), and a watcher on each other node, all in a room of their own; wait
	 * until every watcher was told the ghost is online.
	 * @param victim the node to be killed
	 * @return per node's name, its watcher, open until the test ends
	 */
	private Map<String, PresenceProbe> watchersOfTheGhost(HubNode victim) throws Exception {
		Map<String, PresenceProbe> watchers = new LinkedHashMap<>();
		for (HubNode node : this.nodes) {
			if (node != victim) {
				String watcher = watcher(node.index());
				watchers.put(node.name(),
						closeLater(new PresenceProbe(node.port(), watcher, tokenOf(watcher), List.of(GHOST_ROOM))));
			}
		}
		// the ghost's node tells its presence to the room's members it reads from the
		// database: the watchers' joins must be committed first
		await().atMost(Duration.ofSeconds(30))
			.until(() -> count("select count(*) from hub_room_member where room = '" + GHOST_ROOM + "'"),
					(members) -> members == watchers.size());
		closeLater(new PresenceProbe(victim.port(), GHOST, tokenOf(GHOST), List.of(GHOST_ROOM)));
		await().atMost(Duration.ofSeconds(30))
			.until(() -> watchers.values()
				.stream()
				.allMatch((watcher) -> "online".equals(watcher.statuses().get(GHOST))));
		return watchers;
	}

	/**
	 * Wait until every watcher was told the ghost is offline, or for at most twice the
	 * time it may take.
	 * @param watchers per surviving node's name, its watcher
	 * @param killed when the ghost's node was killed ({@link System#nanoTime()})
	 * @return per node that told it, the time from the kill to the watcher's receipt
	 */
	private Map<String, Duration> ghostToldOffline(Map<String, PresenceProbe> watchers, long killed) {
		Duration left = GHOST_OFFLINE_WITHIN.multipliedBy(2).minusNanos(System.nanoTime() - killed);
		awaitQuietly(left.isNegative() ? Duration.ofSeconds(1) : left,
				() -> watchers.values()
					.stream()
					.allMatch((watcher) -> "offline".equals(watcher.statuses().get(GHOST))));
		Map<String, Duration> told = new LinkedHashMap<>();
		watchers.forEach((node, watcher) -> {
			Long at = watcher.changedAt(GHOST);
			if ("offline".equals(watcher.statuses().get(GHOST)) && at != null) {
				told.put(node, Duration.ofNanos(at - killed));
			}
		});
		return told;
	}

	private List<String> hubArguments(int redisPort) throws IOException {
		List<String> arguments = new ArrayList<>();
		StringBuilder tokens = new StringBuilder();
		IntStream.range(0, USERS)
			.mapToObj(ClusterClients::userId)
			.forEach((user) -> tokens.append("realtime.hub.tokens.")
				.append(tokenOf(user))
				.append('=')
				.append(user)
				.append('\n'));
		List<String> probes = new ArrayList<>(List.of(GHOST));
		for (int i = 0; i < NODES; i++) {
			probes.add(probe(i));
			probes.add(watcher(i));
		}
		probes.forEach((probe) -> tokens.append("realtime.hub.tokens.")
			.append(tokenOf(probe))
			.append('=')
			.append(probe)
			.append('\n'));
		Path tokenFile = this.directory.resolve("tokens.properties");
		Files.writeString(tokenFile, tokens);
		arguments.add("--spring.config.import=file:" + tokenFile);
		arguments.add("--spring.datasource.url=" + runDatabase());
		arguments.add("--spring.datasource.username=" + System.getProperty("realtime.cluster.jdbc-user", "postgres"));
		arguments.add("--spring.datasource.password=" + System.getProperty("realtime.cluster.jdbc-password", ""));
		arguments.add("--realtime.hub.bus=redis");
		arguments.add("--spring.data.redis.host=127.0.0.1");
		arguments.add("--spring.data.redis.port=" + redisPort);
		arguments.add("--realtime.hub.rooms.open=room-*");
		arguments.add("--management.endpoint.health.probes.enabled=true");
		arguments.add("--management.endpoint.health.show-components=always");
		return arguments;
	}

	private void startClients(int balancerPort) throws IOException {
		this.clientsLog = this.directory.resolve("clients.log");
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + (LARGE ? "2g" : "512m"),
				"-cp", System.getProperty("java.class.path"), ClusterClients.class.getName(), String.valueOf(USERS),
				String.valueOf(ROOMS), "--realtime.url=ws://127.0.0.1:" + balancerPort + "/realtime"));
		this.clients = new ProcessBuilder(command).directory(this.directory.toFile())
			.redirectErrorStream(true)
			.redirectOutput(this.clientsLog.toFile())
			.start();
		this.commands = new OutputStreamWriter(this.clients.getOutputStream(), StandardCharsets.UTF_8);
	}

	private void command(String line) throws IOException {
		this.commands.write(line + "\n");
		this.commands.flush();
	}

	/**
	 * Wait for a line of the clients' JVM starting with {@link ClusterClients#MARK} and
	 * the given text.
	 * @return the line, without the mark
	 */
	private String awaitClients(String prefix, Duration timeout) {
		String wanted = ClusterClients.MARK + prefix;
		return await().atMost(timeout)
			.pollInterval(Duration.ofMillis(200))
			.failFast("the clients' JVM exited; its log is " + this.clientsLog, () -> !this.clients.isAlive())
			.until(() -> lastLine(wanted), Optional::isPresent)
			.orElseThrow()
			.substring(ClusterClients.MARK.length());
	}

	private Optional<String> lastLine(String prefix) throws IOException {
		try (var lines = Files.lines(this.clientsLog, StandardCharsets.UTF_8)) {
			return lines.filter((line) -> line.startsWith(prefix)).reduce((first, second) -> second);
		}
	}

	private void awaitUp(HubNode node) {
		await().alias(node + ", /actuator/health")
			.atMost(NODE_START)
			.pollInterval(Duration.ofMillis(500))
			.failFast("a node exited: " + this.nodes, () -> this.nodes.stream().anyMatch((any) -> !any.isAlive()))
			.until(() -> node.status(""), "UP"::equals);
	}

	private void sampleHealth(Map<String, List<String>> redisStatuses, Map<String, List<String>> probeFailures) {
		for (HubNode node : this.nodes) {
			redisStatuses.computeIfAbsent(node.name(), (key) -> new ArrayList<>()).add(node.status("/redis"));
			for (String probe : List.of("/liveness", "/readiness")) {
				String status = node.status(probe);
				if (!"UP".equals(status)) {
					probeFailures.computeIfAbsent(node.name() + probe, (key) -> new ArrayList<>()).add(status);
				}
			}
		}
	}

	/**
	 * Ask every node at once what it believes of the users' presence.
	 * @return per node, what it told its probe
	 */
	private Map<String, Map<String, String>> presenceSeenByEachNode() throws Exception {
		List<String> rooms = IntStream.range(0, ROOMS).mapToObj((room) -> "room-" + room).toList();
		Map<String, PresenceProbe> probes = new LinkedHashMap<>();
		try {
			for (HubNode node : this.nodes) {
				String probe = probe(node.index());
				probes.put(node.toString(), new PresenceProbe(node.port(), probe, tokenOf(probe), rooms));
			}
			awaitQuietly(Duration.ofSeconds(30),
					() -> probes.values()
						.stream()
						.allMatch((probe) -> probe.statuses().size() >= USERS
								&& probe.statuses().values().stream().allMatch("online"::equals)));
			Map<String, Map<String, String>> seen = new LinkedHashMap<>();
			probes.forEach((node, probe) -> seen.put(node, probe.statuses()));
			return seen;
		}
		finally {
			probes.values().forEach(PresenceProbe::close);
		}
	}

	private long count(String sql) throws SQLException {
		try (Connection connection = connect(runDatabase());
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			rows.next();
			return rows.getLong(1);
		}
	}

	private String runDatabase() {
		return JDBC.substring(0, JDBC.lastIndexOf('/') + 1) + this.database;
	}

	/**
	 * Count the rows of the run's events in the hub's table of accepted events, and their
	 * distinct idempotency keys.
	 */
	private long[] acceptedEvents() throws SQLException {
		try (Connection connection = connect(runDatabase());
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("select count(*), count(distinct (user_id, idempotency_key)) "
						+ "from hub_accepted_event where event_name = '" + ClusterClients.EVENT + "'")) {
			rows.next();
			return new long[] { rows.getLong(1), rows.getLong(2) };
		}
	}

	private static boolean awaitQuietly(Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(500)).until(condition);
			return true;
		}
		catch (org.awaitility.core.ConditionTimeoutException ex) {
			return false;
		}
	}

	private static Map<String, List<String>> condensed(Map<String, List<String>> statuses) {
		Map<String, List<String>> condensed = new LinkedHashMap<>();
		statuses.forEach((node, list) -> {
			List<String> changes = new ArrayList<>();
			list.forEach((status) -> {
				if (changes.isEmpty() || !changes.get(changes.size() - 1).equals(status)) {
					changes.add(status);
				}
			});
			condensed.put(node, changes);
		});
		return condensed;
	}

	private static String probe(int node) {
		return "probe-" + node;
	}

	private static String watcher(int node) {
		return "watcher-" + node;
	}

	private static void execute(String sql) throws SQLException {
		try (Connection connection = connect(JDBC); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
	}

	private static Connection connect(String url) throws SQLException {
		return DriverManager.getConnection(url, System.getProperty("realtime.cluster.jdbc-user", "postgres"),
				System.getProperty("realtime.cluster.jdbc-password", ""));
	}

	private <T extends AutoCloseable> T closeLater(T resource) {
		this.resources.add(resource);
		return resource;
	}

}

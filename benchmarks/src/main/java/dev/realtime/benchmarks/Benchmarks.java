package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.DeliveryStrategy;

/**
 * Runs the benchmark rows and prints one table: each starter figure beside the raw
 * baseline measured in the same run, and the ratio.
 * <p>
 * {@code ./mvnw -q -pl benchmarks -am package -DskipTests && java -jar benchmarks/target/realtime-benchmarks.jar}
 */
public final class Benchmarks {

	private final Options options;

	private final RawBaselines raw;

	private final StarterFigures starter;

	private final BenchSocketIoEndpoint socketIo;

	private final Map<String, Figure[]> rawMemo = new LinkedHashMap<>();

	private final Map<String, Supplier<List<Line>>> rows = new LinkedHashMap<>();

	private final HubFlood hubFlood;

	private final HubFigures hub;

	private final HubClusterFigures cluster;

	private Benchmarks(Options options, RawBaselines raw, StarterFigures starter, BenchSocketIoEndpoint socketIo,
			HubFlood hubFlood, HubFigures hub, HubClusterFigures cluster) {
		this.options = options;
		this.hubFlood = hubFlood;
		this.hub = hub;
		this.cluster = cluster;
		this.raw = raw;
		this.starter = starter;
		this.socketIo = socketIo;
		defineRows();
		defineHubRows();
	}

	/** Row names, in table order. */
	static final List<String> ROWS = List.of("ws-1", "ws-100", "ping", "pg-commit", "pg-batch", "cycle", "alo-1",
			"alo-16", "tx-1", "tx-4", "batch-16", "socketio-16", "http-16", "amo", "ack-latency", "reconnect",
			"catch-up", "live-inbound", "users-1000", "tx-overhead", "tx-overhead-100", "drain", "flood-isolation",
			"hub-ingest-16", "hub-ingest-1", "hub-fanout", "hub-idle-heap", "hub-cross-node", "hub-fanout-3nodes");

	private void defineRows() {
		row("ws-1", () -> List.of(rawOnly("WebSocket pipelined, 1 event per frame, ack per event",
				raw("ws-1", () -> one(this.raw.pipelined(1))), "~95k msgs/s")));
		row("ws-100", () -> List.of(rawOnly("WebSocket pipelined, 100 events per frame, one ack per frame",
				raw("ws-100", () -> one(this.raw.pipelined(100))), "~500k msgs/s")));
		row("ping", () -> {
			Figure[] pings = raw("ping", this.raw::pingPong);
			return List.of(new Line("WebSocket ping-pong round trip p50", null, pings[0], "~0.10 ms"),
					new Line("WebSocket ping-pong round trip p99", null, pings[1], "~0.21 ms"));
		});
		row("pg-commit",
				() -> List.of(rawOnly("PostgreSQL single-row commit, 1 connection", pgCommit1(), "~3.9k/s"),
						rawOnly("PostgreSQL single-row commit, 8 connections",
								raw("pg-commit-8", () -> one(this.raw.singleRowCommits(8))), "~14k/s")));
		row("pg-batch", () -> List.of(rawOnly("PostgreSQL batched insert, 100 rows per transaction",
				raw("pg-batch", () -> one(this.raw.batchedInserts())), "~70k rows/s")));
		row("cycle",
				() -> List.of(rawOnly(
						"raw durable cycle: insert 100 -> claim the next 100 (index range, SKIP LOCKED) -> WebSocket "
								+ "batch -> ack -> delete 100, pipelined",
						cycle(), "~60k msgs/s")));
		row("alo-1", () -> {
			Figure starter = this.starter.throughput(1, 1, null);
			return List.of(
					new Line("at-least-once, 1 thread, no transaction (vs PostgreSQL 1-connection commit)", starter,
							pgCommit1()[0], "target >= 0.80"),
					new Line("the same (vs single-row commits of a row shaped as the outbox's, seq counter included)",
							starter, raw("outbox-row", () -> one(this.raw.outboxRow().direct()))[0], "target >= 0.85"),
					new Line(
							"the same (vs those commits made by a committer thread the sender hands each row to and "
									+ "waits for: the bound of a hand-off)",
							starter, raw("outbox-row-handed", () -> one(this.raw.outboxRow().handedOff()))[0], "-"));
		});
		row("alo-16", () -> {
			Figure starter = this.starter.throughput(16, 1, null);
			return List.of(
					new Line("at-least-once, 16 threads, defaults (vs raw durable cycle)", starter, cycle()[0],
							"target >= 0.60"),
					new Line("the same (vs raw group commit: 16 threads each waiting for its own row's commit)",
							starter, groupCommit16(), "-"));
		});
		row("tx-1", () -> List.of(new Line("at-least-once, 100 sends per caller transaction, 1 thread (vs raw cycle)",
				this.starter.throughput(1, 100, null), cycle()[0], "target >= 0.5")));
		row("tx-4", () -> List.of(new Line("at-least-once, 100 sends per caller transaction, 4 threads (vs raw cycle)",
				this.starter.throughput(4, 100, null), cycle()[0], "target >= 0.6")));
		row("batch-16", () -> {
			Figure starter = this.starter.throughput(16, 1, null, "realtime.batch.size=100");
			return List.of(
					new Line("at-least-once, realtime.batch.size=100, 16 threads (vs raw cycle)", starter, cycle()[0],
							"target >= 0.75"),
					new Line("the same (vs raw group commit, 16 threads)", starter, groupCommit16(), "-"));
		});
		row("socketio-16", () -> List.of(new Line(
				"Socket.IO transport: at-least-once, realtime.batch.size=100, 16 threads (vs the same over WebSocket)",
				this.starter.throughput(16, 1, null, "realtime.batch.size=100", "realtime.transport=socketio",
						"realtime.url=" + this.socketIo.uri()),
				this.starter.throughput(16, 1, null, "realtime.batch.size=100"), "-")));
		row("http-16", () -> List.of(new Line(
				"HTTP transport (SockJS): at-least-once, realtime.batch.size=100, 16 threads (vs the same over WebSocket)",
				this.starter.throughput(16, 1, null, "realtime.batch.size=100", "realtime.transport=http"),
				this.starter.throughput(16, 1, null, "realtime.batch.size=100"), "-")));
		row("amo",
				() -> List.of(new Line("at-most-once, 1 thread (vs raw fire-and-forget WebSocket)",
						this.starter.throughput(1, 1, DeliveryStrategy.AT_MOST_ONCE),
						raw("fire", () -> one(this.raw.fireAndForget()))[0], "target >= 0.75")));
		row("ack-latency", () -> {
			Figure[] starterLatency = this.starter.ackLatency(200);
			Figure[] rawLatency = raw("latency", () -> this.raw.durableRoundTrip(200));
			return List.of(
					new Line("ack latency at 200 events/s, p50 (vs raw insert-commit -> send -> ack)",
							starterLatency[0], rawLatency[0], "target <= 2x"),
					new Line("ack latency at 200 events/s, p99", starterLatency[1], rawLatency[1], "-"));
		});
		row("reconnect",
				() -> List.of(new Line("reconnect after a server close (1001), no backoff, to resumed",
						this.starter.reconnect(), raw("reconnect", () -> one(this.raw.reconnect()))[0],
						"~5 ms raw; target <= 2x")));
		row("catch-up",
				() -> List.of(new Line("resume catch-up of 10,000 missed inbound events into inbox and listener",
						this.starter.catchUp(10_000), raw("catch-up", () -> one(this.raw.catchUp(10_000)))[0], "-")));
		row("live-inbound", () -> {
			LiveInbound live = this.starter.liveInbound();
			Figure rawInbox = raw("inbox-cycle", () -> one(live.raw()))[0];
			return List.of(new Line("live inbound: events pushed by the hub at full speed, 100 per frame, into the "
					+ "durable inbox and a listener (vs raw inbox cycle: insert 100 rows and move the cursor, commit, "
					+ "delete the 100, commit)", live.starter(100), rawInbox, "target >= 0.6"),
					new Line("the same, 1 event per frame", live.starter(1), rawInbox, "-"));
		});
		row("users-1000", () -> {
			ManyUsers many = this.starter.manyUsers();
			Figure[] users = many.starter(1000);
			Figure[] sockets = many.raw(1000);
			Figure clientSide = Figure.single(users[1].median() - sockets[1].median(), "KiB", null);
			return List.of(
					new Line(
							"1,000 users connected through RealtimeClients: time to connect all (vs 1,000 "
									+ "raw sockets, handshake and resume one after another)",
							users[0], sockets[0], "-"),
					new Line("heap per idle connected user, the bench hub's side included (vs a raw socket's "
							+ "connection: the hub's side alone)", users[1], sockets[1], "-"),
					new Line("heap per idle connected user, client's side (the difference of the two above)",
							clientSide, null, "ThousandUsersIntegrationTests: 57 KB"),
					new Line("threads added by 1,000 users", users[2], null, "ThousandUsersIntegrationTests: 15"),
					new Line("one event pushed to each user in turn, to its listener through the inbox, p50 (vs "
							+ "to a raw socket)", users[3], sockets[2], "-"),
					new Line("the same, p99", users[4], sockets[3], "-"));
		});
		row("tx-overhead",
				() -> List.of(new Line(
						"sendEvent overhead inside a caller's transaction, 1 send (time added, vs 1 raw insert)",
						this.starter.txOverhead(1), raw("tx-overhead", () -> one(this.raw.txOverhead(1)))[0],
						"target <= 1.2x")));
		row("tx-overhead-100", () -> List.of(new Line(
				"sendEvent overhead inside a caller's transaction, 100 sends (time added, vs 100 raw inserts in one "
						+ "JDBC batch)",
				this.starter.txOverhead(100), raw("tx-overhead-100", () -> one(this.raw.txOverhead(100)))[0],
				"target <= 1.2x")));
		row("drain", () -> {
			Figure[] drain = this.starter.drain(this.options.drain(), this.options.drainTimeout());
			String events = String.format(Locale.ROOT, "%,d", this.options.drain());
			return List.of(
					new Line("drain of " + events + " events queued while the hub was down (vs raw cycle)", drain[0],
							cycle()[0], "target >= 30k/s, 0 dup"),
					new Line("heap with " + events + " events pending", drain[1], null, "-"),
					new Line("heap after the drain", drain[2], null, "target < 128 MiB at 1M"));
		});
		row("flood-isolation", () -> {
			Figure[] p99 = this.hubFlood.quietAckP99(this.options.flood());
			return List.of(new Line(
					"reference hub: ack p99 of a connection sending an event every 100 ms during a "
							+ this.options.flood().toSeconds() + " s flood of one-event frames from another (vs alone)",
					p99[0], p99[1], "<= 5x"));
		});
	}

	private void defineHubRows() {
		row("hub-ingest-16", () -> {
			Figure[] ingest = this.hub.batchedIngest(16);
			return List.of(new Line("reference hub: durable ingest, 16 connections sending frames of "
					+ HubFigures.INGEST_BATCH + " events (vs raw group commits of the rows the hub writes per frame, "
					+ "16 database connections)", ingest[0], ingest[1], "target >= 0.7"));
		});
		row("hub-ingest-1", () -> {
			Figure[] ingest = this.hub.singleEventIngest();
			return List.of(new Line("reference hub: durable ingest, 1 connection sending 1 event per frame, message "
					+ "rate limit raised (vs raw single-connection commits of the rows the hub writes per event)",
					ingest[0], ingest[1], "target >= 0.7"));
		});
		row("hub-fanout", () -> {
			Figure[] fanOut = this.hub.fanOut(this.options.hubConnections(), this.options.hubRooms());
			String shape = String.format(Locale.ROOT, "%,d connections in %d rooms", this.options.hubConnections(),
					this.options.hubRooms());
			return List.of(
					new Line("reference hub: fan-out deliveries to " + shape + ", each room's sender "
							+ "sending frames of " + HubFigures.FANOUT_BATCH + " events (vs the lower raw bound)",
							fanOut[0], fanOut[1], "target >= 0.5"),
					rawOnly("raw WebSocket sends of the same messages to the same connections, "
							+ HubFigures.DEFAULT_POOL + " threads", new Figure[] { fanOut[2] }, "-"),
					rawOnly("raw batched inserts of the same rows, " + HubFigures.DEFAULT_POOL
							+ " database connections", new Figure[] { fanOut[3] }, "-"));
		});
		row("hub-idle-heap", () -> {
			Figure[] heap = this.hub.idleHeap(this.options.hubConnections());
			return List.of(new Line("reference hub: heap per idle connection (vs raw Spring WebSocket on Tomcat, "
					+ "same 1 MiB frame limit)", heap[0], heap[1], "target <= 40 KiB"));
		});
		row("hub-cross-node", () -> {
			Figure[] added = this.cluster.crossNode();
			return List.of(new Line(
					"reference hub, 2 nodes over Redis: delivery latency crossing nodes adds, p50 "
							+ "(cross-node minus same-node, vs a raw Redis pub/sub round trip through Lettuce)",
					added[0], added[2], "target <= 2x"), new Line("the same, p99", added[1], added[3], "-"));
		});
		row("hub-fanout-3nodes", () -> {
			int connections = this.options.hubConnections();
			int rooms = this.options.hubRooms();
			Figure three = this.cluster.fanOut(3, connections, rooms);
			Figure one = this.cluster.fanOut(1, connections, rooms);
			Figure[] bounds = this.cluster.sharedBounds(3, connections, rooms);
			return List.of(
					new Line(String.format(Locale.ROOT,
							"reference hub over Redis: fan-out deliveries to "
									+ "%,d connections in %d rooms, 3 nodes in this JVM (vs 1 node, same bus)",
							connections, rooms), three, one, "-"),
					new Line(
							"the same 3 nodes (vs raw batched inserts of the same stream rows, "
									+ 3 * HubFigures.DEFAULT_POOL + " database connections: PostgreSQL's write bound)",
							three, bounds[0], "-"),
					new Line("the same 3 nodes (vs raw Redis: the same frames' bus messages published to one channel "
							+ "with 3 subscribers, deliveries carried to every node)", three, bounds[1], "-"));
		});
	}

	private Figure[] pgCommit1() {
		return raw("pg-commit-1", () -> one(this.raw.singleRowCommits(1)));
	}

	private Figure groupCommit16() {
		return raw("group-16", () -> one(this.raw.groupCommit(16)))[0];
	}

	private Figure[] cycle() {
		return raw("cycle", () -> one(this.raw.durableCycle()));
	}

	private void row(String name, Supplier<List<Line>> lines) {
		this.rows.put(name, lines);
	}

	private Figure[] raw(String name, Supplier<Figure[]> measure) {
		Figure[] figures = this.rawMemo.get(name);
		if (figures == null) {
			figures = measure.get();
			this.rawMemo.put(name, figures);
		}
		return figures;
	}

	private static Figure[] one(Figure figure) {
		return new Figure[] { figure };
	}

	private static Line rawOnly(String figure, Figure[] raw, String ceiling) {
		return new Line(figure, null, raw[0], ceiling);
	}

	private List<Line> run() {
		List<String> selected = this.options.scenarios().isEmpty() ? ROWS : this.options.scenarios();
		List<Line> lines = new ArrayList<>();
		for (String name : selected) {
			long start = System.nanoTime();
			try {
				// an unknown name from the command line fails this row only
				List<Line> done = Objects.requireNonNull(this.rows.get(name), () -> "no benchmark row '" + name + "'")
					.get();
				lines.addAll(done);
				for (Line line : done) {
					System.err.printf(Locale.ROOT, "[%s, %.0f s, load %.1f] %s%n", name,
							(System.nanoTime() - start) / 1e9, loadAverage(), line.markdown());
				}
			}
			catch (RuntimeException ex) {
				System.err.println("[" + name + "] FAILED: " + ex);
				ex.printStackTrace();
				lines.add(new Line(name + ": FAILED (" + ex.getMessage() + ")", null, null, "-"));
			}
		}
		return lines;
	}

	public static void main(String[] args) {
		Options options;
		try {
			options = Options.parse(args, ROWS);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		int exitCode = 0;
		Database database = new Database(options);
		Runtime.getRuntime().addShutdownHook(new Thread(database::close));
		try (BenchHub hub = new BenchHub(); BenchSocketIoEndpoint socketIo = new BenchSocketIoEndpoint(hub)) {
			Windows windows = new Windows(options);
			StarterFigures starter = new StarterFigures(hub, database, windows);
			if (options.sustained() != null) {
				System.out.println(header(options));
				starter.sustained(options.sustained());
			}
			else {
				Benchmarks benchmarks = new Benchmarks(options, new RawBaselines(hub, database, windows), starter,
						socketIo, new HubFlood(database), new HubFigures(database, windows, hub),
						new HubClusterFigures(database, windows));
				String before = header(options);
				benchmarks.print(before, benchmarks.run());
			}
		}
		catch (RuntimeException ex) {
			ex.printStackTrace();
			exitCode = 1;
		}
		finally {
			database.close();
		}
		// the hub's and the clients' non-daemon threads must not keep the JVM alive
		System.exit(exitCode);
	}

	private void print(String before, List<Line> lines) {
		System.out.println();
		System.out.println("Before: " + before);
		System.out.println("After:  " + header(this.options));
		System.out.println();
		System.out.println("| figure | starter | raw baseline (same run) | ratio | ceiling (DESIGN.md) / target |");
		System.out.println("|---|---|---|---|---|");
		lines.forEach((line) -> System.out.println(line.markdown()));
		System.out.println();
		System.out.println("Each figure: median of the windows [min–max]. lost / dup: events sent and never "
				+ "accepted / received more than once, counted by the hub before it deduplicates (rows for "
				+ "PostgreSQL figures). ratio = starter / raw (throughput: higher is better; times: lower is better).");
	}

	private static String header(Options options) {
		return String.format(Locale.ROOT,
				"Realtime benchmarks, %s: Java %s, %d cores, max heap %d MiB, load average %.2f; warm-up %d s, "
						+ "%d windows of %d s; a busy thread got %.0f%% of a core; PostgreSQL %s",
				Instant.now().toString().substring(0, 19) + "Z", System.getProperty("java.version"),
				Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() / (1024 * 1024),
				loadAverage(), options.warmUp().toSeconds(), options.windows(), options.window().toSeconds(),
				cpuShare() * 100, options.jdbcUrl());
	}

	/**
	 * Share of one core a busy thread gets for a second: on a machine shared with other
	 * work every figure, raw or not, scales with it.
	 * @return the share, 1.0 for a whole core
	 */
	private static double cpuShare() {
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		long cpuStart = threads.getCurrentThreadCpuTime();
		long start = System.nanoTime();
		long spins = 0;
		while (System.nanoTime() - start < 1_000_000_000L) {
			spins++;
		}
		return (spins > 0) ? (threads.getCurrentThreadCpuTime() - cpuStart) / (double) (System.nanoTime() - start) : 0;
	}

	private static double loadAverage() {
		return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
	}

	/**
	 * One line of the table.
	 *
	 * @param figure what is measured
	 * @param starter the starter's figure, or {@code null}
	 * @param raw the raw baseline, or {@code null}
	 * @param ceiling the ceiling from DESIGN.md or the target ratio
	 */
	record Line(String figure, @Nullable Figure starter, @Nullable Figure raw, String ceiling) {

		String markdown() {
			String ratio = (this.starter != null && this.raw != null && this.raw.median() != 0)
					? String.format(Locale.ROOT, "%.2f", this.starter.median() / this.raw.median()) : "-";
			return "| " + this.figure + " | " + ((this.starter != null) ? this.starter.format() : "-") + " | "
					+ ((this.raw != null) ? this.raw.format() : "-") + " | " + ratio + " | " + this.ceiling + " |";
		}

	}

}

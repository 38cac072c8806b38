package dev.realtime.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * Command-line options: scenario names, and {@code --name=value} settings.
 *
 * @param scenarios the rows to run, empty for all
 * @param warmUp load before the first measured window
 * @param window length of one measured window
 * @param windows measured windows per figure (the figure is their median)
 * @param drain events queued for the drain scenario
 * @param drainTimeout longest the drain may take before its partial rate is reported
 * @param sustained length of the sustained run, or {@code null} for none
 * @param flood length of the flood in the flood-isolation row
 * @param hubConnections connections of the hub-fanout and hub-idle-heap rows
 * @param hubRooms rooms of the hub-fanout row, among which the connections' users are
 * spread evenly
 * @param jdbcUrl PostgreSQL server (a fresh schema is created in it and dropped after)
 * @param user database user
 * @param password database password
 * @param redisUrl Redis of the hub cluster rows and of their raw pub/sub baseline
 */
record Options(List<String> scenarios, Duration warmUp, Duration window, int windows, int drain, Duration drainTimeout,
		@Nullable Duration sustained, Duration flood, int hubConnections, int hubRooms, String jdbcUrl, String user,
		String password, String redisUrl) {

	static final String USAGE = """
			usage: java -jar benchmarks/target/realtime-benchmarks.jar [row...] [--option=value...]
			  rows (default: all): %s
			  --warmup=3s --window=3s --windows=3     warm-up, then the median of N windows (min 3 s / 3)
			  --drain=100000 --drain-timeout=300s      events queued while the hub is down, then drained
			  --sustained=10m                          only a steady run printing throughput per minute
			  --flood=30s                              the flood of the flood-isolation row
			  --hub-connections=1000 --hub-rooms=100   the reference hub's fan-out and idle-heap rows
			  --jdbc-url=jdbc:postgresql://127.0.0.1:5432/test --user=postgres --password=
			  --redis=redis://127.0.0.1:6379          the hub cluster rows' Redis (hub-cross-node, hub-fanout-3nodes)
			""";

	static Options parse(String[] args, List<String> known) {
		List<String> scenarios = new ArrayList<>();
		Duration warmUp = Duration.ofSeconds(3);
		Duration window = Duration.ofSeconds(3);
		int windows = 3;
		int drain = 100_000;
		Duration drainTimeout = Duration.ofSeconds(300);
		Duration sustained = null;
		Duration flood = Duration.ofSeconds(30);
		int hubConnections = 1000;
		int hubRooms = 100;
		String url = "jdbc:postgresql://127.0.0.1:5432/test";
		String user = "postgres";
		String password = "";
		String redisUrl = "redis://127.0.0.1:6379";
		for (String arg : args) {
			if (!arg.startsWith("--")) {
				if (!known.contains(arg)) {
					throw new IllegalArgumentException("Unknown row '" + arg + "'\n" + USAGE.formatted(known));
				}
				scenarios.add(arg);
				continue;
			}
			int equals = arg.indexOf('=');
			String name = (equals > 0) ? arg.substring(2, equals) : arg.substring(2);
			String value = (equals > 0) ? arg.substring(equals + 1) : "";
			switch (name) {
				case "warmup" -> warmUp = duration(value);
				case "window" -> window = duration(value);
				case "windows" -> windows = Integer.parseInt(value);
				case "drain" -> drain = Integer.parseInt(value.replace("_", ""));
				case "drain-timeout" -> drainTimeout = duration(value);
				case "sustained" -> sustained = duration(value);
				case "flood" -> flood = duration(value);
				case "hub-connections" -> hubConnections = Integer.parseInt(value.replace("_", ""));
				case "hub-rooms" -> hubRooms = Integer.parseInt(value);
				case "jdbc-url" -> url = value;
				case "user" -> user = value;
				case "password" -> password = value;
				case "redis" -> redisUrl = value;
				default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + USAGE.formatted(known));
			}
		}
		if (warmUp.toMillis() < 3000 || windows < 3) {
			throw new IllegalArgumentException("At least 3 s of warm-up and 3 windows: figures after less mean little");
		}
		if (hubRooms < 1 || hubConnections % hubRooms != 0) {
			throw new IllegalArgumentException(
					"--hub-connections must be a multiple of --hub-rooms: each room gets as " + "many members");
		}
		return new Options(List.copyOf(scenarios), warmUp, window, windows, drain, drainTimeout, sustained, flood,
				hubConnections, hubRooms, url, user, password, redisUrl);
	}

	/** Parse {@code 500ms}, {@code 3s}, {@code 10m} or an ISO-8601 duration. */
	static Duration duration(String value) {
		String text = value.trim().toLowerCase(Locale.ROOT);
		if (text.endsWith("ms")) {
			return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
		}
		if (text.endsWith("s")) {
			return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1)));
		}
		if (text.endsWith("m")) {
			return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
		}
		if (text.endsWith("h")) {
			return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
		}
		return Duration.parse(value);
	}

}

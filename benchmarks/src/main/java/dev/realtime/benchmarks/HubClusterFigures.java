package dev.realtime.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The reference hub as a cluster (issue 32): nodes in application contexts of their own
 * in this JVM, on one PostgreSQL schema and one Redis ({@code realtime.hub.bus=redis}),
 * each beside a raw figure of the same run: the latency that crossing nodes adds against
 * a raw Redis pub/sub round trip through Lettuce, and fan-out deliveries with three nodes
 * against one node.
 */
final class HubClusterFigures {

	/**
	 * Events per second the latency rows send: far below any limit, so queues stay empty.
	 */
	private static final int LATENCY_RATE = 200;

	private static final String ROOM = "cross";

	private static final Duration SETTLE = Duration.ofSeconds(60);

	private final Database database;

	private final Windows windows;

	private final HubRows rows;

	HubClusterFigures(Database database, Windows windows) {
		this.database = database;
		this.windows = windows;
		this.rows = new HubRows(database, windows);
	}

	/**
	 * One sender on node 0 sends an event every 5 ms to a room with one member on node 0
	 * and one on node 1; each event carries its send time, and each member records when
	 * it arrives. Per window, cross-node minus same-node p50 and p99; then the raw round
	 * trip of a Redis PUBLISH to a subscriber, at the same rate, through Lettuce.
	 * @return cross minus same p50 and p99, then raw pub/sub p50 and p99 (ms)
	 */
	Figure[] crossNode() {
		Latencies same = new Latencies();
		Latencies cross = new Latencies();
		Added added;
		String schema = this.database.createSchema("cross");
		Map<String, String> tokens = HubFigures.tokens("c", 3);
		List<ReferenceHub> nodes = cluster(schema, 2, tokens);
		try {
			HubClient sender = new HubClient(nodes.get(0).uri(), HubFigures.clientId("c", 0), HubFigures.token("c", 0),
					1, new AtomicLong(), new AtomicLong());
			try (TimedReceiver near = new TimedReceiver(nodes.get(0).uri(), HubFigures.clientId("c", 1),
					HubFigures.token("c", 1), same);
					TimedReceiver far = new TimedReceiver(nodes.get(1).uri(), HubFigures.clientId("c", 2),
							HubFigures.token("c", 2), cross)) {
				sender.resume();
				sender.join(ROOM);
				awaitMembers(schema, 3);
				try (Load load = new Load("hub-cross-node", 1, (thread) -> {
					sender.sendFrame(1, "{\"room\":\"" + ROOM + "\",\"t\":" + System.nanoTime() + "}");
					LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1) / LATENCY_RATE);
				})) {
					added = differences(same, cross);
				}
			}
			finally {
				sender.close();
			}
		}
		finally {
			nodes.forEach(ReferenceHub::close);
		}
		Figure[] raw = redisRoundTrip();
		return new Figure[] { Figure.of(added.p50(), "ms").note(added.p50s()),
				Figure.of(added.p99(), "ms").note(added.p99s()), raw[0], raw[1] };
	}

	/**
	 * Measure, per window, cross-node minus same-node p50 and p99.
	 * @param same the samples of the member on the sender's node
	 * @param cross the samples of the member on the other node
	 * @return the differences per window, and what each was
	 */
	private Added differences(Latencies same, Latencies cross) {
		Windows.sleep(this.windows.options().warmUp());
		same.drainPercentilesMillis(50);
		cross.drainPercentilesMillis(50);
		int count = this.windows.options().windows();
		double[] p50 = new double[count];
		double[] p99 = new double[count];
		StringBuilder p50s = new StringBuilder("same-node / cross-node p50 per window:");
		StringBuilder p99s = new StringBuilder("same-node / cross-node p99 per window:");
		for (int i = 0; i < count; i++) {
			Windows.sleep(this.windows.options().window());
			double[] near = same.drainPercentilesMillis(50, 99);
			double[] far = cross.drainPercentilesMillis(50, 99);
			p50[i] = far[0] - near[0];
			p99[i] = far[1] - near[1];
			p50s.append(String.format(Locale.ROOT, " %.2f / %.2f", near[0], far[0]));
			p99s.append(String.format(Locale.ROOT, " %.2f / %.2f", near[1], far[1]));
		}
		return new Added(p50, p99, p50s.toString(), p99s.toString());
	}

	/**
	 * The raw bound of a crossing: a PUBLISH on one Lettuce connection to a subscriber on
	 * another, the payload being the send time, at the latency rows' rate.
	 * @return p50 and p99 (ms)
	 */
	private Figure[] redisRoundTrip() {
		Latencies latencies = new Latencies();
		RedisClient client = RedisClient.create(this.windows.options().redisUrl());
		try (StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
				StatefulRedisConnection<String, String> publisher = client.connect()) {
			String channel = "realtime-bench-" + RawConnection.newClientId();
			subscriber.addListener(new RedisPubSubAdapter<>() {

				@Override
				public void message(String from, String message) {
					latencies.record(System.nanoTime() - Long.parseLong(message));
				}

			});
			subscriber.sync().subscribe(channel);
			try (Load load = new Load("raw-redis-pubsub", 1, (thread) -> {
				publisher.async().publish(channel, String.valueOf(System.nanoTime()));
				LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1) / LATENCY_RATE);
			})) {
				return this.windows.latencies(latencies);
			}
		}
		finally {
			client.shutdown();
		}
	}

	/**
	 * Fan-out over a cluster: user {@code i} connects to node {@code i % nodes} and joins
	 * room {@code i % rooms}; the first member of each room keeps one frame of 10 events
	 * to its room in flight, and every member receives them and acks them.
	 * @param nodes the nodes
	 * @param connections the connections (and users)
	 * @param rooms the rooms
	 * @return deliveries per second received
	 */
	Figure fanOut(int nodes, int connections, int rooms) {
		int members = connections / rooms;
		AtomicLong delivered = new AtomicLong();
		String schema = this.database.createSchema("fanout" + nodes);
		List<ReferenceHub> cluster = cluster(schema, nodes, HubFigures.tokens("n", connections));
		try {
			List<HubClient> clients = new ArrayList<>();
			try {
				for (int i = 0; i < connections; i++) {
					clients.add(new HubClient(cluster.get(i % nodes).uri(), HubFigures.clientId("n", i),
							HubFigures.token("n", i), HubFigures.FANOUT_BATCH, new AtomicLong(), delivered));
				}
				for (int i = 0; i < connections; i++) {
					clients.get(i).resume();
					clients.get(i).join(HubFigures.room(i % rooms));
				}
				awaitMembers(schema, connections);
				Figure figure;
				try (Load load = new Load("hub-fanout-" + nodes, rooms, (thread) -> clients.get(thread)
					.sendFrame(HubFigures.FANOUT_BATCH,
							"{\"text\":\"" + Frames.TEXT + "\",\"room\":\"" + HubFigures.room(thread) + "\"}"))) {
					figure = this.windows.throughput(delivered::get);
				}
				return HubFigures.settle(figure, HubFigures.sent(clients) * members, delivered)
					.note(String.format(Locale.ROOT, "%d node(s), %,d connections in %d rooms", nodes, connections,
							rooms));
			}
			finally {
				clients.forEach(HubClient::close);
			}
		}
		finally {
			cluster.forEach(ReferenceHub::close);
		}
	}

	/**
	 * The raw bounds that the shared parts set on a cluster's fan-out, for the fan-out
	 * rows' shape: PostgreSQL committing the stream rows of the same frames on as many
	 * database connections as the nodes' pools hold, and Redis carrying the bus message
	 * of each such frame (every member's events, as a node publishes them) to every node.
	 * @param nodes the nodes (Redis subscribers, and pools of database connections)
	 * @param connections the connections (and users)
	 * @param rooms the rooms
	 * @return deliveries per second PostgreSQL commits, then deliveries per second Redis
	 * carries to every node
	 */
	Figure[] sharedBounds(int nodes, int connections, int rooms) {
		List<List<String>> members = IntStream.range(0, rooms)
			.mapToObj((room) -> IntStream.iterate(room, (i) -> i < connections, (i) -> i + rooms)
				.mapToObj((i) -> "u" + i)
				.toList())
			.toList();
		Figure inserts = this.rows.commits("cluster_raw", nodes * HubFigures.DEFAULT_POOL, members,
				HubFigures.FANOUT_BATCH, true);
		return new Figure[] { inserts, redisFanOut(nodes, connections / rooms) };
	}

	/**
	 * Publish, from one thread and connection per node (as each node's bus writer does),
	 * the bus message of a frame of 10 events to a room of {@code members} on one channel
	 * that every node subscribes to, and count what the subscribers receive.
	 * @param nodes the publishers and subscribers
	 * @param members the room's members: each message carries 10 deliveries to each
	 * @return deliveries per second carried to every node
	 */
	private Figure redisFanOut(int nodes, int members) {
		String message = busMessage(members);
		long deliveriesPerMessage = (long) members * HubFigures.FANOUT_BATCH;
		AtomicLong received = new AtomicLong();
		String channel = "realtime-bench-" + RawConnection.newClientId();
		RedisClient client = RedisClient.create(this.windows.options().redisUrl());
		List<AutoCloseable> open = new ArrayList<>();
		try {
			List<StatefulRedisConnection<String, String>> publishers = new ArrayList<>();
			for (int i = 0; i < nodes; i++) {
				StatefulRedisPubSubConnection<String, String> subscriber = client.connectPubSub();
				open.add(subscriber);
				subscriber.addListener(new RedisPubSubAdapter<>() {

					@Override
					public void message(String from, String text) {
						received.incrementAndGet();
					}

				});
				subscriber.sync().subscribe(channel);
				StatefulRedisConnection<String, String> publisher = client.connect();
				open.add(publisher);
				publishers.add(publisher);
			}
			try (Load load = new Load("raw-redis-fanout", nodes,
					(thread) -> publishers.get(thread).sync().publish(channel, message))) {
				return this.windows.throughput(() -> received.get() / nodes * deliveriesPerMessage)
					.note(String.format(Locale.ROOT, "messages of %,d bytes, %d deliveries each, to %d subscribers",
							message.length(), deliveriesPerMessage, nodes));
			}
		}
		finally {
			for (AutoCloseable connection : open) {
				try {
					connection.close();
				}
				catch (Exception ex) {
					// closing the others anyway
				}
			}
			client.shutdown();
		}
	}

	/**
	 * Build a bus message as a node publishes it after committing a frame of 10 events to
	 * a room: each member's events as whole frames.
	 * @param members the room's members
	 * @return the message's JSON
	 */
	private static String busMessage(int members) {
		StringBuilder message = new StringBuilder("{\"n\":\"bench-0\",\"k\":\"e\",\"d\":{");
		for (int m = 0; m < members; m++) {
			message.append((m > 0) ? "," : "").append("\"u").append(m).append("\":[");
			for (int i = 0; i < HubFigures.FANOUT_BATCH; i++) {
				String frame = Frames.event(HubFigures.clientId("n", m), i + 1, i + 1);
				message.append((i > 0) ? "," : "")
					.append("{\"l\":")
					.append(Frames.PAYLOAD.length())
					.append(",\"f\":\"")
					.append(frame.replace("\"", "\\\""))
					.append("\"}");
			}
			message.append(']');
		}
		return message.append("}}").toString();
	}

	private void awaitMembers(String schema, long members) {
		if (!Windows.await(() -> this.database.queryLong(schema, "select count(*) from hub_room_member") >= members,
				SETTLE)) {
			throw new IllegalStateException("The users did not all join their rooms");
		}
	}

	/**
	 * Start hub nodes on one schema (the first migrates it) and the run's Redis.
	 * @param schema the schema
	 * @param nodes how many nodes
	 * @param tokens the development tokens of the users
	 * @return the running nodes
	 */
	private List<ReferenceHub> cluster(String schema, int nodes, Map<String, String> tokens) {
		List<ReferenceHub> cluster = new ArrayList<>();
		try {
			for (int i = 0; i < nodes; i++) {
				cluster.add(ReferenceHub.onSchema(this.database, schema, tokens, "realtime.hub.rooms.open=*",
						"realtime.hub.bus=redis", "realtime.hub.node-id=bench-" + i,
						"spring.data.redis.url=" + this.windows.options().redisUrl(),
						// the Redis may be shared with other hubs: channels and keys of
						// this cluster only
						"realtime.hub.redis.key-prefix=" + schema));
			}
			return cluster;
		}
		catch (RuntimeException ex) {
			cluster.forEach(ReferenceHub::close);
			throw ex;
		}
	}

	/**
	 * What crossing nodes added, per window.
	 *
	 * @param p50 cross-node minus same-node p50
	 * @param p99 cross-node minus same-node p99
	 * @param p50s both p50s of each window
	 * @param p99s both p99s of each window
	 */
	private record Added(double[] p50, double[] p99, String p50s, String p99s) {

	}

	/**
	 * A member of the latency rows' room: records, for each event it receives, the time
	 * since the {@code t} its sender put in the payload, and acks it.
	 */
	private static final class TimedReceiver implements AutoCloseable {

		private static final String SENT_AT = "\"t\":";

		private final RawConnection connection;

		TimedReceiver(URI hub, String clientId, String token, Latencies latencies) {
			this.connection = RawConnection.openOneOfMany(hub, clientId, token, (text) -> {
				long now = System.nanoTime();
				for (int at = text.indexOf(SENT_AT); at >= 0; at = text.indexOf(SENT_AT, at + 1)) {
					latencies.record(now - RawConnection.longField(text.substring(at), "t"));
				}
				if (text.contains("\"type\":\"event\"")) {
					long last = RawConnection.longField(text.substring(text.lastIndexOf("\"seq\":")), "seq");
					send("{\"type\":\"ack\",\"ack_seq\":" + last + "}");
				}
			}, () -> {
			});
			send("{\"type\":\"resume\",\"client_id\":\"" + clientId + "\",\"last_ack_seq\":0}");
			send("{\"type\":\"meta\",\"event\":\"room.join\",\"payload\":{\"room\":\"" + ROOM + "\"}}");
		}

		private void send(String text) {
			this.connection.send(text);
		}

		@Override
		public void close() {
			this.connection.close();
		}

	}

}

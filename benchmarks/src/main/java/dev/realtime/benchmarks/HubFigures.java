package dev.realtime.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;

import org.jspecify.annotations.Nullable;

import dev.realtime.hub.Hub;

/**
 * The reference hub's own figures, each beside its raw bound from the same run: its
 * durable ingest (from 16 connections sending batched frames, and from one connection
 * sending one event per frame), its fan-out to a thousand connections in rooms, and its
 * heap per idle connection. The hub runs alone in a context of its own on PostgreSQL, at
 * its defaults (1 MiB frame limit, the database pool Spring Boot gives it) unless a row
 * says otherwise.
 */
final class HubFigures {

	/**
	 * Events per frame of the batched ingest, as the starter sends with
	 * realtime.batch.size=100.
	 */
	static final int INGEST_BATCH = 100;

	/** Events per frame each room's sender sends in the fan-out. */
	static final int FANOUT_BATCH = 10;

	/**
	 * Connections of Spring Boot's default pool (HikariCP): the hub commits on at most
	 * this many.
	 */
	static final int DEFAULT_POOL = 10;

	/**
	 * The hub's default limit of 1,000 messages/s per connection would bound the
	 * one-event-per-frame row instead of the ingest it measures: raised there, as the
	 * rows say.
	 */
	private static final String[] UNLIMITED_MESSAGES = { "realtime.hub.rate-limit.messages-per-second=1000000",
			"realtime.hub.rate-limit.burst=1000000" };

	/** No room in the ingest's payload: each event goes to its sender's own stream. */
	private static final String INGEST_PAYLOAD = "{\"text\":\"" + Frames.TEXT + "\"}";

	private static final Duration SETTLE = Duration.ofSeconds(60);

	private static final int WARM_UP_CONNECTIONS = 20;

	private final Database database;

	private final Windows windows;

	private final BenchHub benchHub;

	private final HubRows rows;

	HubFigures(Database database, Windows windows, BenchHub benchHub) {
		this.database = database;
		this.windows = windows;
		this.benchHub = benchHub;
		this.rows = new HubRows(database, windows);
	}

	/**
	 * Durable ingest from connections that each keep two frames of 100 events in flight.
	 * @param connections the connections (and users)
	 * @return events acked per second by the hub, then the raw group commits of the same
	 * rows from as many database connections
	 */
	Figure[] batchedIngest(int connections) {
		return ingest("ingest" + connections, connections, INGEST_BATCH, 2 * INGEST_BATCH);
	}

	/**
	 * Durable ingest from one connection sending one event per frame, up to 100 frames in
	 * flight, the message rate limit raised.
	 * @return events acked per second by the hub, then the raw single-connection cycle
	 * committing the same rows per event
	 */
	Figure[] singleEventIngest() {
		return ingest("ingest1", 1, 1, 100, UNLIMITED_MESSAGES);
	}

	private Figure[] ingest(String name, int connections, int perFrame, int inFlight, String... settings) {
		AtomicLong acked = new AtomicLong();
		AtomicLong delivered = new AtomicLong();
		Figure hubFigure;
		try (ReferenceHub hub = new ReferenceHub(this.database, name, tokens("i", connections), true, settings)) {
			List<HubClient> clients = connect(hub.uri(), "i", connections, inFlight, acked, delivered);
			try {
				clients.forEach(HubClient::resume);
				Figure figure;
				try (Load load = new Load("hub-" + name, connections,
						(thread) -> clients.get(thread).sendFrame(perFrame, INGEST_PAYLOAD))) {
					figure = this.windows.throughput(acked::get);
				}
				hubFigure = settle(figure, sent(clients), acked);
			}
			finally {
				clients.forEach(HubClient::close);
			}
		}
		List<List<String>> senders = new ArrayList<>();
		for (int i = 0; i < connections; i++) {
			senders.add(List.of("u" + i));
		}
		return new Figure[] { hubFigure, this.rows.commits(name + "_raw", connections, senders, perFrame, false) };
	}

	/**
	 * Fan-out: the connections' users join their rooms (user {@code i} room
	 * {@code i % rooms}), and the first member of each room keeps one frame of 10 events
	 * to its room in flight; every member receives them and acks them.
	 * @param connections the connections (and users)
	 * @param rooms the rooms
	 * @return deliveries per second received, then the lower of the two raw bounds, then
	 * raw WebSocket sends and raw batched inserts of the same rows
	 */
	Figure[] fanOut(int connections, int rooms) {
		if (connections % rooms != 0 || connections < rooms) {
			throw new IllegalArgumentException("The connections must fill the rooms evenly");
		}
		int members = connections / rooms;
		AtomicLong delivered = new AtomicLong();
		Figure hubFigure;
		try (ReferenceHub hub = new ReferenceHub(this.database, "fanout", tokens("f", connections), true,
				"realtime.hub.rooms.open=*")) {
			List<HubClient> clients = connect(hub.uri(), "f", connections, FANOUT_BATCH, new AtomicLong(), delivered);
			try {
				for (int i = 0; i < connections; i++) {
					clients.get(i).resume();
					clients.get(i).join(room(i % rooms));
				}
				Hub api = hub.bean(Hub.class);
				if (!Windows.await(() -> joined(api, rooms, members), SETTLE)) {
					throw new IllegalStateException("The users did not all join their rooms");
				}
				Figure figure;
				try (Load load = new Load("hub-fanout", rooms, (thread) -> clients.get(thread)
					.sendFrame(FANOUT_BATCH, "{\"text\":\"" + Frames.TEXT + "\",\"room\":\"" + room(thread) + "\"}"))) {
					figure = this.windows.throughput(delivered::get);
				}
				hubFigure = settle(figure, sent(clients) * members, delivered);
			}
			finally {
				clients.forEach(HubClient::close);
			}
		}
		Figure sends = rawSends(connections, rooms);
		List<List<String>> roomMembers = new ArrayList<>();
		for (int r = 0; r < rooms; r++) {
			List<String> users = new ArrayList<>();
			for (int i = r; i < connections; i += rooms) {
				users.add("u" + i);
			}
			roomMembers.add(users);
		}
		Figure inserts = this.rows.commits("fanout_raw", DEFAULT_POOL, roomMembers, FANOUT_BATCH, true);
		Figure lower = (sends.median() <= inserts.median()) ? sends.note("raw WebSocket sends, the lower")
				: inserts.note("raw batched inserts, the lower");
		return new Figure[] { hubFigure, lower, sends, inserts };
	}

	private static boolean joined(Hub hub, int rooms, int members) {
		for (int r = 0; r < rooms; r++) {
			if (hub.roomMembers(room(r)).size() < members) {
				return false;
			}
		}
		return true;
	}

	/**
	 * The raw WebSocket bound of the fan-out: the ack-only hub's server sessions send
	 * each member of each room the same message the reference hub sends it (a batch of 10
	 * events) from as many threads as the hub has database connections, and the same
	 * clients count and ack them.
	 * @param connections the connections
	 * @param rooms the rooms
	 * @return deliveries per second received
	 */
	private Figure rawSends(int connections, int rooms) {
		AtomicLong delivered = new AtomicLong();
		List<HubClient> clients = connect(this.benchHub.uri(), "w", connections, 1, new AtomicLong(), delivered);
		try {
			List<String> messages = new ArrayList<>();
			for (int r = 0; r < rooms; r++) {
				String payload = "{\"text\":\"" + Frames.TEXT + "\",\"room\":\"" + room(r) + "\",\"user_id\":\"raw-w"
						+ r + "\"}";
				StringBuilder batch = new StringBuilder("[");
				for (int i = 0; i < FANOUT_BATCH; i++) {
					batch.append((i > 0) ? "," : "")
						.append(Frames.event(clients.get(r).clientId(), i + 1, "k" + i, Frames.EVENT, payload));
				}
				messages.add(batch.append(']').toString());
			}
			if (!Windows.await(() -> clients.stream().allMatch((c) -> this.benchHub.connected(c.clientId())), SETTLE)) {
				throw new IllegalStateException("The ack-only hub does not have every connection");
			}
			Figure figure;
			try (Load load = new Load("raw-fanout", DEFAULT_POOL, (thread) -> {
				for (int r = thread; r < rooms; r += DEFAULT_POOL) {
					for (int i = r; i < connections; i += rooms) {
						if (!this.benchHub.push(clients.get(i).clientId(), messages.get(r))) {
							throw new IllegalStateException("Connection " + i + " is closed");
						}
					}
				}
			})) {
				figure = this.windows.throughput(delivered::get);
			}
			return figure;
		}
		finally {
			clients.forEach(HubClient::close);
		}
	}

	/**
	 * Heap per idle connection: connections that handshake and resume, then send nothing,
	 * counted by the live heap after a full collection before and after they open.
	 * @param connections how many
	 * @return the reference hub's bytes per connection (KiB), then the ack-only hub's
	 * (raw Spring WebSocket on Tomcat with the same 1 MiB frame limit)
	 */
	Figure[] idleHeap(int connections) {
		Figure hubHeap;
		try (ReferenceHub hub = new ReferenceHub(this.database, "idle", tokens("h", connections), false)) {
			hubHeap = heapPerConnection(hub.uri(), "h", connections, hub::openSessions);
		}
		Figure raw = heapPerConnection(this.benchHub.uri(), "b", connections, null);
		return new Figure[] { hubHeap, raw };
	}

	private Figure heapPerConnection(URI uri, String prefix, int connections, @Nullable IntSupplier open) {
		try {
			// the classes and caches a first connection loads are not the connections'
			// heap
			closeAll(openIdle(uri, prefix + "w", WARM_UP_CONNECTIONS));
			if (open != null && !Windows.await(() -> open.getAsInt() == 0, SETTLE)) {
				throw new IllegalStateException("The warm-up connections did not close");
			}
			HeapCensus before = HeapCensus.take();
			List<IdleSocket> sockets = openIdle(uri, prefix, connections);
			try {
				if (open != null && open.getAsInt() != connections) {
					throw new IllegalStateException(open.getAsInt() + " connections open, not " + connections);
				}
				HeapCensus after = HeapCensus.take();
				return Figure.single(after.growthPer(before, connections) / 1024, "KiB",
						String.format(Locale.ROOT, "%,d connections; most: ", connections)
								+ after.largestGrowth(before, connections, 3));
			}
			finally {
				closeAll(sockets);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException("Idle connections to " + uri + " failed", ex);
		}
	}

	/**
	 * Open connections that resume, and wait for each resume's answer.
	 * @param uri the hub
	 * @param prefix first characters of their client ids
	 * @param connections how many
	 * @return the connections, resumed
	 * @throws IOException when one fails (all are closed then)
	 */
	private static List<IdleSocket> openIdle(URI uri, String prefix, int connections) throws IOException {
		List<IdleSocket> sockets = new ArrayList<>();
		try {
			for (int i = 0; i < connections; i++) {
				String clientId = clientId(prefix, i);
				IdleSocket socket = IdleSocket.open(uri, clientId, user(clientId), token(prefix, i));
				sockets.add(socket);
				socket.sendText("{\"type\":\"resume\",\"client_id\":\"" + clientId + "\",\"last_ack_seq\":0}");
			}
			for (IdleSocket socket : sockets) {
				String answer = socket.readText();
				if (!answer.contains("\"resume_response\"")) {
					throw new IOException("Expected a resume_response, got " + answer);
				}
			}
			return sockets;
		}
		catch (IOException | RuntimeException ex) {
			closeAll(sockets);
			throw ex;
		}
	}

	private static void closeAll(List<IdleSocket> sockets) {
		sockets.forEach(IdleSocket::close);
	}

	private static List<HubClient> connect(URI uri, String prefix, int connections, int inFlight, AtomicLong acked,
			AtomicLong delivered) {
		List<HubClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < connections; i++) {
				clients.add(new HubClient(uri, clientId(prefix, i), token(prefix, i), inFlight, acked, delivered));
			}
			return clients;
		}
		catch (RuntimeException ex) {
			clients.forEach(HubClient::close);
			throw ex;
		}
	}

	/**
	 * Wait for the hub to catch up with what was sent, then count what it lost or
	 * repeated.
	 * @param figure the measured figure
	 * @param expected what the hub must have acked or delivered
	 * @param counted what it did so far
	 * @return the figure with its counts, or a note of what is missing
	 */
	static Figure settle(Figure figure, long expected, AtomicLong counted) {
		if (!Windows.await(() -> counted.get() >= expected, SETTLE)) {
			return figure.note((expected - counted.get()) + " of " + expected + " still missing " + SETTLE.toSeconds()
					+ " s after the load stopped");
		}
		return figure.counted(0, counted.get() - expected);
	}

	static long sent(List<HubClient> clients) {
		return clients.stream().mapToLong(HubClient::sent).sum();
	}

	/**
	 * One development token per connection (and per warm-up connection).
	 * @param prefix first characters of the client ids
	 * @param connections how many
	 * @return each token mapped to the user of its connection
	 */
	static Map<String, String> tokens(String prefix, int connections) {
		Map<String, String> tokens = new LinkedHashMap<>();
		for (int i = 0; i < connections; i++) {
			tokens.put(token(prefix, i), user(clientId(prefix, i)));
		}
		for (int i = 0; i < WARM_UP_CONNECTIONS; i++) {
			tokens.put(token(prefix + "w", i), user(clientId(prefix + "w", i)));
		}
		return tokens;
	}

	/**
	 * A client id: eight characters naming the user (as {@link RawConnection} derives
	 * it), then a UUID.
	 * @param prefix the first characters
	 * @param index the connection's number
	 * @return the client id
	 */
	static String clientId(String prefix, int index) {
		return String.format(Locale.ROOT, "%s%0" + (8 - prefix.length()) + "d", prefix, index) + "-"
				+ RawConnection.newClientId();
	}

	private static String user(String clientId) {
		return "raw-" + clientId.substring(0, 8);
	}

	static String token(String prefix, int index) {
		return "t" + prefix + index;
	}

	static String room(int index) {
		return String.format(Locale.ROOT, "r%03d", index);
	}

}

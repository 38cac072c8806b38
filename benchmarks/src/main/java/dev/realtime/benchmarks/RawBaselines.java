package dev.realtime.benchmarks;

import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The raw parts, measured in the same run as the starter: Tomcat's JSR-356 client against
 * the same hub, and plain JDBC on the same PostgreSQL. Nothing of the starter is used
 * here.
 */
final class RawBaselines {

	/** Events of the raw pipeline allowed between sent and acked. */
	private static final int CREDIT = 2000;

	/** Rows the raw durable cycle may hold before the producer waits for the relay. */
	private static final int MAX_BACKLOG = 20_000;

	private static final Duration DRAIN_WAIT = Duration.ofSeconds(60);

	private final BenchHub hub;

	private final Database database;

	private final Windows windows;

	private final String schema;

	private final JsonMapper mapper = JsonMapper.builder().build();

	RawBaselines(BenchHub hub, Database database, Windows windows) {
		this.hub = hub;
		this.database = database;
		this.windows = windows;
		this.schema = database.createSchema("raw");
		database.execute(this.schema, """
				create table raw_outbox (
				    id              bigserial    primary key,
				    client_id       varchar(36)  not null,
				    idempotency_key varchar(255) not null,
				    event           varchar(255) not null,
				    payload         text         not null,
				    created_at      bigint       not null,
				    constraint raw_outbox_key_uk unique (client_id, idempotency_key)
				)""",
				"create table raw_inbox (seq bigint primary key, event varchar(255) not null, payload text not null, "
						+ "received_at bigint not null)",
				"create table bench_app (id bigserial primary key, body text not null)");
	}

	/**
	 * WebSocket pipelined: events sent back to back, several in flight, the hub acks each
	 * frame.
	 * @param perFrame events per frame (1: one ack per event)
	 * @return acked events per second
	 */
	Figure pipelined(int perFrame) {
		String clientId = RawConnection.newClientId();
		Credit credit = new Credit();
		try (RawConnection connection = credit.open(this.hub.uri(), clientId)) {
			resume(connection, clientId, 0, credit.resumed);
			AtomicLong sent = new AtomicLong();
			Figure figure;
			try (Load load = new Load("raw-ws", 1, (thread) -> {
				if (credit.permits.tryAcquire(perFrame, 100, TimeUnit.MILLISECONDS)) {
					long first = sent.get() + 1;
					connection.send(batch(clientId, first, perFrame));
					sent.addAndGet(perFrame);
				}
			})) {
				figure = this.windows.throughput(credit.acked::get);
			}
			return counted(figure, clientId, sent.get());
		}
	}

	/**
	 * Fire-and-forget: unsequenced event frames, never acked, counted as they reach the
	 * hub.
	 * @return events per second arriving at the hub
	 */
	Figure fireAndForget() {
		String clientId = RawConnection.newClientId();
		BenchHub.ClientStream stream = this.hub.client(clientId);
		AtomicLong sent = new AtomicLong();
		try (RawConnection connection = RawConnection.open(this.hub.uri(), clientId, (text) -> {
		}, () -> {
		})) {
			Figure figure;
			try (Load load = new Load("raw-fire", 1,
					(thread) -> connection.send(Frames.event(clientId, 0, sent.incrementAndGet())))) {
				figure = this.windows.throughput(stream::unsequenced);
			}
			return Figure.settle(figure, sent.get(), stream::unsequenced, stream::duplicates, DRAIN_WAIT);
		}
	}

	/**
	 * Ping-pong round trips, one at a time.
	 * @return p50 and p99 in milliseconds
	 */
	Figure[] pingPong() {
		Semaphore pongs = new Semaphore(0);
		String clientId = RawConnection.newClientId();
		Latencies latencies = new Latencies();
		try (RawConnection connection = RawConnection.open(this.hub.uri(), clientId, (text) -> {
			if (text.contains("\"pong\"")) {
				pongs.release();
			}
		}, () -> {
		}); Load load = new Load("raw-ping", 1, (thread) -> {
			long start = System.nanoTime();
			connection.send("{\"type\":\"meta\",\"event\":\"ping\"}");
			if (!pongs.tryAcquire(5, TimeUnit.SECONDS)) {
				throw new IllegalStateException("No pong within 5 s");
			}
			latencies.record(System.nanoTime() - start);
		})) {
			return this.windows.latencies(latencies);
		}
	}

	/**
	 * PostgreSQL single-row commits (autocommit inserts), one connection per thread.
	 * @param connections the connections
	 * @return commits per second
	 */
	Figure singleRowCommits(int connections) {
		String table = "raw_commit_" + connections;
		this.database.execute(this.schema,
				"create table " + table + " (id bigserial primary key, payload text not null)");
		AtomicLong committed = new AtomicLong();
		List<Connection> open = new ArrayList<>();
		try {
			List<PreparedStatement> inserts = new ArrayList<>();
			for (int i = 0; i < connections; i++) {
				Connection connection = this.database.connect(this.schema);
				open.add(connection);
				inserts.add(connection.prepareStatement("insert into " + table + " (payload) values (?)"));
			}
			Figure figure;
			try (Load load = new Load("raw-commit", connections, (thread) -> {
				PreparedStatement insert = inserts.get(thread);
				insert.setString(1, Frames.PAYLOAD);
				insert.executeUpdate();
				committed.incrementAndGet();
			})) {
				figure = this.windows.throughput(committed::get);
			}
			return countedRows(figure, table, committed.get());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			closeAll(open);
		}
	}

	/**
	 * The single-row commits of a row shaped as the outbox's, with the same database and
	 * windows.
	 * @return the measurements
	 */
	RawOutboxRow outboxRow() {
		return new RawOutboxRow(this.database, this.windows);
	}

	/**
	 * PostgreSQL batched inserts: 100 rows per transaction on one connection.
	 * @return rows per second
	 */
	Figure batchedInserts() {
		this.database.execute(this.schema, "create table raw_batch (id bigserial primary key, payload text not null)");
		AtomicLong committed = new AtomicLong();
		try (Connection connection = this.database.connect(this.schema);
				PreparedStatement insert = connection.prepareStatement("insert into raw_batch (payload) values (?)")) {
			connection.setAutoCommit(false);
			Figure figure;
			try (Load load = new Load("raw-batch", 1, (thread) -> {
				for (int i = 0; i < 100; i++) {
					insert.setString(1, Frames.PAYLOAD);
					insert.addBatch();
				}
				insert.executeBatch();
				connection.commit();
				committed.addAndGet(100);
			})) {
				figure = this.windows.throughput(committed::get);
			}
			return countedRows(figure, "raw_batch", committed.get());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Raw group commit for blocking senders: each thread hands one row to a committer and
	 * waits for its commit, as {@code sendEvent} does; the committer inserts whatever is
	 * queued in one batch and commits. With every sender waiting on its own commit, this
	 * is the most the durable path allows those threads (threads / commit latency),
	 * whatever happens after the commit.
	 * @param senders the sending threads
	 * @return committed rows per second
	 */
	Figure groupCommit(int senders) {
		String table = "raw_group_" + senders;
		this.database.execute(this.schema,
				"create table " + table + " (id bigserial primary key, payload text not null)");
		BlockingQueue<CompletableFuture<Void>> queued = new LinkedBlockingQueue<>();
		AtomicLong committed = new AtomicLong();
		try (Connection connection = this.database.connect(this.schema);
				PreparedStatement insert = connection
					.prepareStatement("insert into " + table + " (payload) values (?)")) {
			connection.setAutoCommit(false);
			List<CompletableFuture<Void>> group = new ArrayList<>();
			Figure figure;
			try (Load committer = new Load("raw-committer", 1, (thread) -> {
				CompletableFuture<Void> first = queued.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					return;
				}
				group.add(first);
				queued.drainTo(group);
				for (int i = 0; i < group.size(); i++) {
					insert.setString(1, Frames.PAYLOAD);
					insert.addBatch();
				}
				insert.executeBatch();
				connection.commit();
				group.forEach((sender) -> sender.complete(null));
				group.clear();
			}); Load load = new Load("raw-sender", senders, (thread) -> {
				CompletableFuture<Void> done = new CompletableFuture<>();
				queued.add(done);
				done.get(30, TimeUnit.SECONDS);
				committed.incrementAndGet();
			})) {
				// the senders stop first (resources close in reverse), while the
				// committer still completes their commits
				figure = this.windows.throughput(committed::get);
			}
			return countedRows(figure, table, committed.get());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The raw pipelined durable cycle: a producer inserts 100 rows per transaction, a
	 * relay claims 100 (SKIP LOCKED) and sends them as one WebSocket batch with several
	 * batches in flight, a deleter removes acked rows, coalescing the acks that arrived
	 * meanwhile.
	 * @return acked events per second
	 */
	Figure durableCycle() {
		this.database.execute(this.schema, "truncate raw_outbox restart identity");
		String clientId = RawConnection.newClientId();
		Credit credit = new Credit();
		AtomicLong produced = new AtomicLong();
		try (RawConnection connection = credit.open(this.hub.uri(), clientId);
				Connection producerDb = this.database.connect(this.schema);
				Connection relayDb = this.database.connect(this.schema);
				Connection deleterDb = this.database.connect(this.schema)) {
			resume(connection, clientId, 0, credit.resumed);
			producerDb.setAutoCommit(false);
			PreparedStatement insert = producerDb.prepareStatement("insert into raw_outbox "
					+ "(client_id, idempotency_key, event, payload, created_at) values (?, ?, ?, ?, ?)");
			// one relay keeps its position in memory, as the starter's does: the claim is
			// an index range after the last id sent, locked while it is read (a second
			// relay would skip the rows), and rows are never updated. On this table,
			// never
			// analysed (autovacuum is off), the planner picks a sequential scan and a
			// sort
			// instead, which reads every dead row the deleter left (12.6 ms per claim, a
			// tenth of the hardware's rate): the baseline pins the index range it means
			// to measure
			pinIndexRange(relayDb);
			PreparedStatement claim = relayDb.prepareStatement("select id, idempotency_key, event, payload"
					+ " from raw_outbox where id > ? order by id limit 100 for update skip locked");
			PreparedStatement delete = deleterDb.prepareStatement("delete from raw_outbox where id > ? and id <= ?");
			AtomicLong deleted = new AtomicLong();
			AtomicLong claimedUpTo = new AtomicLong();
			CycleStages stages = new CycleStages();
			String note;
			Figure figure;
			try (Load producer = new Load("raw-producer", 1, (thread) -> {
				if (produced.get() - credit.acked.get() > MAX_BACKLOG) {
					LockSupport.parkNanos(100_000);
					return;
				}
				for (int i = 0; i < 100; i++) {
					insert.setString(1, clientId);
					bindEvent(insert, 2, BenchHub.KEY_PREFIX + (produced.get() + i + 1));
					insert.addBatch();
				}
				long start = System.nanoTime();
				insert.executeBatch();
				producerDb.commit();
				stages.insert.record(System.nanoTime() - start);
				produced.addAndGet(100);
			}); Load relay = new Load("raw-relay", 1, (thread) -> {
				if (!credit.permits.tryAcquire(100, 100, TimeUnit.MILLISECONDS)) {
					return;
				}
				long start = System.nanoTime();
				claim.setLong(1, claimedUpTo.get());
				List<String> frames = claimed(claim, clientId, claimedUpTo);
				stages.claim.record(System.nanoTime() - start);
				if (frames.isEmpty()) {
					credit.permits.release(100);
					LockSupport.parkNanos(100_000);
					return;
				}
				credit.permits.release(100 - frames.size());
				connection.send("[" + String.join(",", frames) + "]");
			}); Load deleter = new Load("raw-deleter", 1, (thread) -> {
				long ack = credit.acked.get();
				long done = deleted.get();
				if (ack == done) {
					LockSupport.parkNanos(100_000);
					return;
				}
				delete.setLong(1, done);
				delete.setLong(2, ack);
				long start = System.nanoTime();
				delete.executeUpdate();
				stages.delete.record(System.nanoTime() - start);
				deleted.set(ack);
			})) {
				figure = this.windows.throughput(credit.acked::get);
				note = stages.note();
				producer.close();
				Windows.await(() -> credit.acked.get() >= produced.get() && deleted.get() >= produced.get(),
						DRAIN_WAIT);
			}
			long left = this.database.queryLong(this.schema, "select count(*) from raw_outbox");
			return counted(figure, clientId, produced.get())
				.note(note + ((left > 0) ? ", " + left + " rows left" : ""));
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void pinIndexRange(Connection connection) throws SQLException {
		try (Statement statement = connection.createStatement()) {
			statement.execute("set enable_seqscan = off");
			statement.execute("set enable_bitmapscan = off");
		}
	}

	private static List<String> claimed(PreparedStatement claim, String clientId, AtomicLong claimedUpTo)
			throws SQLException {
		List<String> frames = new ArrayList<>();
		try (ResultSet rows = claim.executeQuery()) {
			while (rows.next()) {
				long id = rows.getLong(1);
				frames.add(Frames.event(clientId, id, rows.getString(2), rows.getString(3), rows.getString(4)));
				claimedUpTo.set(id);
			}
		}
		return frames;
	}

	/**
	 * Raw durable round trip at a steady rate: insert (commit), send, ack received; the
	 * row is deleted after the ack, outside the timed part.
	 * @param perSecond the rate
	 * @return p50 and p99 in milliseconds
	 */
	Figure[] durableRoundTrip(int perSecond) {
		this.database.execute(this.schema, "truncate raw_outbox restart identity");
		String clientId = RawConnection.newClientId();
		AtomicLong acked = new AtomicLong();
		Semaphore acks = new Semaphore(0);
		Semaphore resumed = new Semaphore(0);
		Latencies latencies = new Latencies();
		long interval = 1_000_000_000L / perSecond;
		try (RawConnection connection = RawConnection.open(this.hub.uri(), clientId, (text) -> {
			if (text.startsWith("{\"type\":\"ack\"")) {
				acked.set(RawConnection.longField(text, "ack_seq"));
				acks.release();
			}
			else if (text.startsWith("{\"type\":\"resume_response\"")) {
				resumed.release();
			}
		}, () -> {
		}); Connection db = this.database.connect(this.schema)) {
			resume(connection, clientId, 0, resumed);
			PreparedStatement insert = db.prepareStatement("insert into raw_outbox "
					+ "(client_id, idempotency_key, event, payload, created_at) values (?, ?, ?, ?, ?) returning id");
			PreparedStatement delete = db.prepareStatement("delete from raw_outbox where id = ?");
			AtomicLong next = new AtomicLong(System.nanoTime());
			try (Load load = new Load("raw-latency", 1, (thread) -> {
				long due = next.addAndGet(interval);
				LockSupport.parkNanos(due - System.nanoTime());
				long start = System.nanoTime();
				long id = insertOne(insert, clientId);
				connection.send(Frames.event(clientId, id, BenchHub.KEY_PREFIX + id, Frames.EVENT, Frames.PAYLOAD));
				while (acked.get() < id) {
					if (!acks.tryAcquire(5, TimeUnit.SECONDS)) {
						throw new IllegalStateException("No ack within 5 s");
					}
				}
				latencies.record(System.nanoTime() - start);
				delete.setLong(1, id);
				delete.executeUpdate();
			})) {
				return this.windows.latencies(latencies);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Bind an outbox row's idempotency key, event, payload and creation time, in that
	 * order from a parameter on.
	 * @param statement the insert
	 * @param keyIndex the parameter of the key
	 * @param key the idempotency key
	 * @throws SQLException if binding fails
	 */
	private static void bindEvent(PreparedStatement statement, int keyIndex, String key) throws SQLException {
		statement.setString(keyIndex, key);
		statement.setString(keyIndex + 1, Frames.EVENT);
		statement.setString(keyIndex + 2, Frames.PAYLOAD);
		statement.setLong(keyIndex + 3, System.currentTimeMillis());
	}

	private static long insertOne(PreparedStatement insert, String clientId) throws SQLException {
		insert.setString(1, clientId);
		bindEvent(insert, 2, "k" + System.nanoTime());
		try (ResultSet result = insert.executeQuery()) {
			result.next();
			return result.getLong(1);
		}
	}

	/**
	 * Raw reconnect: the hub closes the connection, the client opens a new one at once
	 * and sends resume; timed from the close to the resume_response.
	 * @return per window, the median in milliseconds
	 */
	Figure reconnect() {
		String clientId = RawConnection.newClientId();
		Semaphore resumed = new Semaphore(0);
		ExecutorService reconnector = Executors.newSingleThreadExecutor();
		AtomicReference<RawConnection> current = new AtomicReference<>();
		Runnable[] onClose = new Runnable[1];
		onClose[0] = () -> reconnector.execute(() -> {
			RawConnection connection = RawConnection.open(this.hub.uri(), clientId, (text) -> {
				if (text.startsWith("{\"type\":\"resume_response\"")) {
					resumed.release();
				}
			}, onClose[0]);
			current.set(connection);
			connection.send(resumeFrame(clientId, 0));
		});
		try {
			onClose[0].run();
			await(resumed);
			double[] values = this.windows.repeated(() -> {
				long start = System.nanoTime();
				if (!this.hub.close(clientId, 1001)) {
					throw new IllegalStateException("Raw client was not connected");
				}
				await(resumed);
				return (System.nanoTime() - start) / 1e6;
			}, false);
			return Figure.of(values, "ms");
		}
		finally {
			onClose[0] = () -> {
			};
			reconnector.shutdown();
			RawConnection connection = current.get();
			if (connection != null) {
				connection.close();
			}
		}
	}

	/**
	 * Raw resume catch-up: the hub holds missed events; the client resumes, stores each
	 * page in one transaction, hands the events to a listener, deletes them, acks and
	 * asks for the next page.
	 * @param events missed events per run
	 * @return events per second, connect included
	 */
	Figure catchUp(int events) {
		String clientId = RawConnection.newClientId();
		String userId = "raw-" + clientId.substring(0, 8);
		AtomicLong stored = new AtomicLong();
		AtomicLong dispatched = new AtomicLong();
		AtomicLong duplicates = new AtomicLong();
		AtomicLong expected = new AtomicLong();
		try (Connection db = this.database.connect(this.schema)) {
			db.setAutoCommit(false);
			PreparedStatement insert = db.prepareStatement(
					"insert into raw_inbox (seq, event, payload, received_at) values (?, ?, ?, ?) on conflict do nothing");
			PreparedStatement delete = db.prepareStatement("delete from raw_inbox where seq <= ?");
			double[] rates = this.windows.repeated(() -> {
				this.hub.storeInbound(userId, events, Frames.PAYLOAD);
				long target = expected.addAndGet(events);
				Semaphore done = new Semaphore(0);
				long start = System.nanoTime();
				RawConnection[] connection = new RawConnection[1];
				connection[0] = RawConnection.open(this.hub.uri(), clientId, (text) -> {
					if (!text.startsWith("{\"type\":\"resume_response\"")) {
						return;
					}
					JsonNode response = this.mapper.readTree(text);
					try {
						long last = stored.get();
						for (JsonNode event : response.get("events")) {
							insert.setLong(1, event.get("seq").asLong());
							insert.setString(2, event.get("event").asString());
							insert.setString(3, event.get("payload").toString());
							insert.setLong(4, System.currentTimeMillis());
							insert.addBatch();
							last = event.get("seq").asLong();
						}
						for (int count : insert.executeBatch()) {
							if (count == 0) {
								duplicates.incrementAndGet();
							}
						}
						db.commit();
						stored.set(last);
						connection[0].send("{\"type\":\"ack\",\"ack_seq\":" + last + "}");
						dispatched.addAndGet(response.get("events").size());
						delete.setLong(1, last);
						delete.executeUpdate();
						db.commit();
					}
					catch (SQLException ex) {
						throw new IllegalStateException(ex);
					}
					if (response.get("has_more").asBoolean()) {
						connection[0].send(resumeFrame(clientId, stored.get()));
					}
					else {
						done.release();
					}
				}, () -> {
				});
				connection[0].send(resumeFrame(clientId, stored.get()));
				await(done);
				long elapsed = System.nanoTime() - start;
				connection[0].close();
				if (stored.get() != target) {
					throw new IllegalStateException("Raw catch-up stored " + stored.get() + ", expected " + target);
				}
				return events * 1e9 / elapsed;
			}, true);
			return Figure.of(rates, "/s").counted(expected.get() - dispatched.get(), duplicates.get());
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Raw cost of writing outbox rows inside a caller's transaction: a transaction with
	 * the caller's own insert, with and without that many more inserts into the outbox
	 * table, in one JDBC batch.
	 * @param rows outbox rows written in the transaction
	 * @return microseconds added per transaction
	 */
	Figure txOverhead(int rows) {
		try (Connection db = this.database.connect(this.schema)) {
			db.setAutoCommit(false);
			PreparedStatement app = db.prepareStatement("insert into bench_app (body) values (?)");
			PreparedStatement outbox = db.prepareStatement("insert into raw_outbox "
					+ "(client_id, idempotency_key, event, payload, created_at) values (?, ?, ?, ?, ?)");
			String clientId = RawConnection.newClientId();
			AtomicLong keys = new AtomicLong();
			return Overhead.measure(this.windows, (withEvent) -> {
				app.setString(1, "order");
				app.executeUpdate();
				for (int i = 0; withEvent && i < rows; i++) {
					outbox.setString(1, clientId);
					bindEvent(outbox, 2, BenchHub.KEY_PREFIX + keys.incrementAndGet());
					outbox.addBatch();
				}
				if (withEvent) {
					outbox.executeBatch();
				}
				db.commit();
			});
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void resume(RawConnection connection, String clientId, long lastAckSeq, Semaphore resumed) {
		connection.send(resumeFrame(clientId, lastAckSeq));
		await(resumed);
	}

	private static String resumeFrame(String clientId, long lastAckSeq) {
		return "{\"type\":\"resume\",\"client_id\":\"" + clientId + "\",\"last_ack_seq\":" + lastAckSeq + "}";
	}

	private static String batch(String clientId, long firstSeq, int count) {
		if (count == 1) {
			return Frames.event(clientId, firstSeq, firstSeq);
		}
		StringBuilder text = new StringBuilder(count * 260).append('[');
		for (int i = 0; i < count; i++) {
			text.append((i > 0) ? "," : "").append(Frames.event(clientId, firstSeq + i, firstSeq + i));
		}
		return text.append(']').toString();
	}

	private Figure counted(Figure figure, String clientId, long sent) {
		BenchHub.ClientStream stream = this.hub.client(clientId);
		return Figure.settle(figure, sent, stream::distinct, stream::duplicates, DRAIN_WAIT);
	}

	private Figure countedRows(Figure figure, String table, long committed) {
		long rows = this.database.queryLong(this.schema, "select count(*) from " + table);
		return figure.counted(Math.max(0, committed - rows), Math.max(0, rows - committed));
	}

	private static void await(Semaphore semaphore) {
		try {
			if (!semaphore.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("Hub did not answer within 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static void closeAll(List<Connection> connections) {
		for (Connection connection : connections) {
			try {
				connection.close();
			}
			catch (SQLException ex) {
				// closing anyway
			}
		}
	}

	/**
	 * A raw connection's window of events sent but not yet acked: each cumulative ack
	 * gives back the permits of the events it covers.
	 */
	private static final class Credit {

		final Semaphore permits = new Semaphore(CREDIT);

		final AtomicLong acked = new AtomicLong();

		final Semaphore resumed = new Semaphore(0);

		RawConnection open(URI hub, String clientId) {
			return RawConnection.open(hub, clientId, (text) -> {
				if (text.startsWith("{\"type\":\"ack\"")) {
					long ack = RawConnection.longField(text, "ack_seq");
					this.permits.release((int) (ack - this.acked.getAndSet(ack)));
				}
				else if (text.startsWith("{\"type\":\"resume_response\"")) {
					this.resumed.release();
				}
			}, () -> {
			});
		}

	}

	/**
	 * Median time of each database step of the raw cycle, so a baseline below its ceiling
	 * shows where the time went.
	 */
	private static final class CycleStages {

		final Latencies insert = new Latencies();

		final Latencies claim = new Latencies();

		final Latencies delete = new Latencies();

		String note() {
			return String.format(Locale.ROOT, "median insert-100+commit %.1f ms, claim %.1f ms, delete %.1f ms",
					this.insert.drainPercentilesMillis(50)[0], this.claim.drainPercentilesMillis(50)[0],
					this.delete.drainPercentilesMillis(50)[0]);
		}

	}

}

package dev.realtime.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.realtime.client.RealtimeClient;

/**
 * The live-inbound row: the hub pushes events to a connected client as fast as it takes
 * them, the client stores them in its durable inbox and hands them to a listener; beside
 * it the raw inbox cycle on the same PostgreSQL (a batch of rows inserted with the cursor
 * moved in one transaction, then the same rows deleted).
 */
final class LiveInbound {

	/**
	 * Events the hub may be ahead of the listener. Below the client's own limit of
	 * unstored events (10,000), past which it stops taking live events and resumes, which
	 * the bench hub does not replay.
	 */
	private static final int MAX_BACKLOG = 5_000;

	private static final Duration SETTLE_WAIT = Duration.ofSeconds(60);

	/** Events per raw cycle, as many as the starter gets in one frame at most. */
	private static final int RAW_BATCH = 100;

	private static final String EVENT = "bench.inbound";

	private static final String ORIGIN = RawConnection.newClientId();

	private final BenchHub hub;

	private final Database database;

	private final Windows windows;

	LiveInbound(BenchHub hub, Database database, Windows windows) {
		this.hub = hub;
		this.database = database;
		this.windows = windows;
	}

	/**
	 * Events pushed live into the starter's durable inbox and listener.
	 * @param perFrame events per frame the hub pushes (a hub forwards a sender's batch as
	 * one frame)
	 * @return events per second reaching the listener, each counted once
	 */
	Figure starter(int perFrame) {
		try (Starter starter = Starter.start(this.hub, this.database)) {
			RealtimeClient client = starter.client();
			Arrivals arrivals = new Arrivals();
			client.onMessage((message) -> arrivals.record(message.seq()));
			String clientId = client.clientId();
			AtomicLong pushed = new AtomicLong();
			Figure figure;
			try (Load load = new Load("hub-push", 1, (thread) -> {
				if (pushed.get() - arrivals.received() > MAX_BACKLOG) {
					LockSupport.parkNanos(100_000);
					return;
				}
				if (!this.hub.push(clientId, frame(pushed.get() + 1, perFrame))) {
					throw new IllegalStateException("The client is not connected");
				}
				pushed.addAndGet(perFrame);
			})) {
				figure = this.windows.throughput(arrivals::received);
			}
			figure = Figure.settle(figure, pushed.get(), arrivals::received, arrivals::duplicates, SETTLE_WAIT);
			// handled events leave the inbox: what stays was stored and never handed on
			boolean emptied = Windows.await(() -> starter.inboxRows() == 0, SETTLE_WAIT);
			return emptied ? figure : figure.note(starter.inboxRows() + " events left in the inbox");
		}
	}

	private static String frame(long firstSeq, int count) {
		if (count == 1) {
			return event(firstSeq);
		}
		StringBuilder text = new StringBuilder(count * 300).append('[');
		for (int i = 0; i < count; i++) {
			text.append((i > 0) ? "," : "").append(event(firstSeq + i));
		}
		return text.append(']').toString();
	}

	private static String event(long seq) {
		// as a hub delivers another client's event: its origin client and key included
		return Frames.event(ORIGIN, seq, BenchHub.KEY_PREFIX + seq, EVENT, Frames.PAYLOAD);
	}

	/**
	 * The raw inbox cycle on tables shaped as the starter's inbox: insert a batch of rows
	 * and move the user's cursor in one transaction, then delete the same rows in
	 * another, one connection.
	 * @return rows per second through the cycle
	 */
	Figure raw() {
		String schema = this.database.createSchema("inbox");
		try {
			this.database.execute(schema, """
					create table raw_inbox_event (
					    user_id varchar(128) not null, seq bigint not null, event varchar(255) not null,
					    payload text not null, server_timestamp timestamp(6), origin_client_id varchar(128),
					    origin_idempotency_key varchar(255), status varchar(16) not null, attempts integer not null,
					    last_error varchar(1000), received_at timestamp(6) not null, primary key (user_id, seq))""",
					"create index raw_inbox_event_status_idx on raw_inbox_event (user_id, status, seq)",
					"create table raw_inbox_cursor (user_id varchar(128) primary key, last_ack_seq bigint not null,"
							+ " failed_count bigint not null, last_synced_at timestamp(6) not null)",
					"insert into raw_inbox_cursor values ('bench', 0, 0, now())");
			return cycle(schema);
		}
		finally {
			this.database.dropSchema(schema);
		}
	}

	private Figure cycle(String schema) {
		AtomicLong done = new AtomicLong();
		try (Connection db = this.database.connect(schema);
				PreparedStatement insert = db.prepareStatement("insert into raw_inbox_event (user_id, seq, event,"
						+ " payload, server_timestamp, origin_client_id, origin_idempotency_key, status, attempts,"
						+ " last_error, received_at) values ('bench', ?, ?, ?, ?, ?, ?, 'RECEIVED', 0, null, ?)");
				PreparedStatement cursor = db.prepareStatement("update raw_inbox_cursor set last_ack_seq = ?,"
						+ " last_synced_at = ? where user_id = 'bench' and last_ack_seq = ?");
				PreparedStatement delete = db.prepareStatement(
						"delete from raw_inbox_event where user_id = 'bench' and seq <= ? and status = 'RECEIVED'")) {
			db.setAutoCommit(false);
			Figure figure;
			try (Load load = new Load("raw-inbox", 1, (thread) -> {
				long first = done.get() + 1;
				Timestamp now = new Timestamp(System.currentTimeMillis());
				for (long seq = first; seq < first + RAW_BATCH; seq++) {
					insert.setLong(1, seq);
					insert.setString(2, EVENT);
					insert.setString(3, Frames.PAYLOAD);
					insert.setTimestamp(4, now);
					insert.setString(5, ORIGIN);
					insert.setString(6, BenchHub.KEY_PREFIX + seq);
					insert.setTimestamp(7, now);
					insert.addBatch();
				}
				insert.executeBatch();
				long last = first + RAW_BATCH - 1;
				cursor.setLong(1, last);
				cursor.setTimestamp(2, now);
				cursor.setLong(3, first - 1);
				if (cursor.executeUpdate() != 1) {
					throw new IllegalStateException("Raw inbox cursor is not at " + (first - 1));
				}
				db.commit();
				delete.setLong(1, last);
				int deleted = delete.executeUpdate();
				db.commit();
				if (deleted != RAW_BATCH) {
					throw new IllegalStateException("Raw inbox deleted " + deleted + " rows of " + RAW_BATCH);
				}
				done.set(last);
			})) {
				figure = this.windows.throughput(done::get);
			}
			long left = this.database.queryLong(schema, "select count(*) from raw_inbox_event");
			long cursorAt = this.database.queryLong(schema, "select last_ack_seq from raw_inbox_cursor");
			Figure counted = figure.counted(Math.abs(done.get() - cursorAt), -1);
			return (left > 0) ? counted.note(left + " rows left") : counted;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

}

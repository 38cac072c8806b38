package dev.realtime.benchmarks;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import dev.realtime.hub.schema.HubSchemaMigrator;

/**
 * The raw bound of the hub's durable ingest and fan-out: plain JDBC writing, in the hub's
 * own tables (migrated with its own scripts), the rows the hub writes for each frame it
 * accepts, one transaction per frame as the hub commits them: the sender's and each
 * recipient's stream counters moved by the frame's events, one {@code hub_message} and
 * one {@code hub_accepted_event} per event, one {@code hub_stream_event} per event and
 * recipient, the client's accepted seq, and the commit; then, as each recipient's client
 * acks the events pushed to it, the recipient's delivered seq, one statement each.
 * Nothing else: no read the hub does to deduplicate, no frame, no socket.
 */
final class HubRows {

	private final Database database;

	private final Windows windows;

	private final AtomicLong keys = new AtomicLong();

	HubRows(Database database, Windows windows) {
		this.database = database;
		this.windows = windows;
	}

	/**
	 * Measure the rate at which the rows of accepted frames commit.
	 * @param name prefix of the schema's name
	 * @param connections database connections, each committing frames of its senders in
	 * turn
	 * @param senders each sender's frame recipients (its user first): sender {@code i} is
	 * served by connection {@code i % connections}, in turn with the others it serves
	 * @param eventsPerFrame events per frame, one transaction each
	 * @param countDeliveries whether to count stream rows (deliveries) instead of events
	 * @return events (or deliveries) committed per second, with the rows missing
	 */
	Figure commits(String name, int connections, List<List<String>> senders, int eventsPerFrame,
			boolean countDeliveries) {
		String schema = this.database.createSchema(name);
		try {
			this.database.migrate(schema, HubSchemaMigrator.LOCATION);
			List<Connection> open = new ArrayList<>();
			try {
				for (int i = 0; i < connections; i++) {
					open.add(this.database.connect(schema));
				}
				register(open.get(0), senders);
				AtomicLong committed = new AtomicLong();
				List<List<Integer>> served = new ArrayList<>();
				for (int i = 0; i < senders.size(); i++) {
					if (i < connections) {
						served.add(new ArrayList<>());
					}
					served.get(i % connections).add(i);
				}
				long[] turn = new long[connections];
				long[] seqs = new long[senders.size()];
				Figure figure;
				try (Load load = new Load("raw-hub-rows", served.size(), (thread) -> {
					List<Integer> mine = served.get(thread);
					int sender = mine.get((int) (turn[thread]++ % mine.size()));
					List<String> recipients = senders.get(sender);
					writeFrame(open.get(thread), recipients, "c" + sender, seqs[sender], eventsPerFrame);
					seqs[sender] += eventsPerFrame;
					committed.addAndGet(countDeliveries ? (long) eventsPerFrame * recipients.size() : eventsPerFrame);
				})) {
					figure = this.windows.throughput(committed::get);
				}
				long rows = this.database.queryLong(schema,
						countDeliveries ? "select count(*) from hub_stream_event" : "select count(*) from hub_message");
				return figure.counted(Math.max(0, committed.get() - rows), -1);
			}
			finally {
				for (Connection connection : open) {
					connection.close();
				}
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			this.database.dropSchema(schema);
		}
	}

	private static void register(Connection connection, List<List<String>> senders) throws SQLException {
		try (PreparedStatement user = connection
			.prepareStatement("insert into hub_user (user_id, created_at) values (?, now()) on conflict do nothing");
				PreparedStatement client = connection
					.prepareStatement("insert into hub_client (client_id, user_id, created_at) values (?, ?, now())")) {
			for (int i = 0; i < senders.size(); i++) {
				for (String recipient : senders.get(i)) {
					user.setString(1, recipient);
					user.addBatch();
				}
				user.executeBatch();
				client.setString(1, "c" + i);
				client.setString(2, senders.get(i).get(0));
				client.addBatch();
			}
			client.executeBatch();
		}
	}

	private void writeFrame(Connection connection, List<String> recipients, String clientId, long lastSeq, int events)
			throws SQLException {
		connection.setAutoCommit(false);
		String sender = recipients.get(0);
		Timestamp now = new Timestamp(System.currentTimeMillis());
		long[] firstSeq = new long[recipients.size()];
		// every recipient's stream counter, in one statement (the hub's users are
		// disjoint
		// between connections here, as the hub's senders are)
		try (PreparedStatement counters = connection.prepareStatement(
				"update hub_user set last_seq = last_seq + ? where user_id = any (?) returning user_id, last_seq")) {
			Array users = connection.createArrayOf("varchar", recipients.toArray());
			counters.setInt(1, events);
			counters.setArray(2, users);
			try (ResultSet rs = counters.executeQuery()) {
				while (rs.next()) {
					firstSeq[recipients.indexOf(rs.getString(1))] = rs.getLong(2) - events + 1;
				}
			}
		}
		try (PreparedStatement message = connection.prepareStatement("insert into hub_message (id, event_name,"
				+ " payload, origin_client_id, origin_idempotency_key, created_at) values (?, ?, ?, ?, ?, ?)");
				PreparedStatement accepted = connection.prepareStatement("insert into hub_accepted_event (client_id,"
						+ " seq, user_id, idempotency_key, event_name, message_id, client_timestamp, accepted_at)"
						+ " values (?, ?, ?, ?, ?, ?, ?, ?)");
				PreparedStatement stream = connection.prepareStatement(
						"insert into hub_stream_event (user_id, seq, message_id, created_at) values (?, ?, ?, ?)");
				PreparedStatement client = connection
					.prepareStatement("update hub_client set accepted_seq = ? where client_id = ?")) {
			for (int i = 0; i < events; i++) {
				UUID id = UUID.randomUUID();
				String key = BenchHub.KEY_PREFIX + this.keys.incrementAndGet();
				message.setObject(1, id);
				message.setString(2, Frames.EVENT);
				message.setString(3, Frames.PAYLOAD);
				message.setString(4, clientId);
				message.setString(5, key);
				message.setTimestamp(6, now);
				message.addBatch();
				accepted.setString(1, clientId);
				accepted.setLong(2, lastSeq + i + 1);
				accepted.setString(3, sender);
				accepted.setString(4, key);
				accepted.setString(5, Frames.EVENT);
				accepted.setObject(6, id);
				accepted.setTimestamp(7, now);
				accepted.setTimestamp(8, now);
				accepted.addBatch();
				for (int r = 0; r < recipients.size(); r++) {
					stream.setString(1, recipients.get(r));
					stream.setLong(2, firstSeq[r] + i);
					stream.setObject(3, id);
					stream.setTimestamp(4, now);
					stream.addBatch();
				}
			}
			message.executeBatch();
			stream.executeBatch();
			accepted.executeBatch();
			client.setLong(1, lastSeq + events);
			client.setString(2, clientId);
			client.executeUpdate();
		}
		connection.commit();
		connection.setAutoCommit(true);
		try (PreparedStatement delivered = connection
			.prepareStatement("update hub_user set delivered_seq = ? where user_id = ? and delivered_seq < ?")) {
			for (int r = 0; r < recipients.size(); r++) {
				long last = firstSeq[r] + events - 1;
				delivered.setLong(1, last);
				delivered.setString(2, recipients.get(r));
				delivered.setLong(3, last);
				delivered.executeUpdate();
			}
		}
	}

}

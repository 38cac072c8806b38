package dev.realtime.inbox;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.client.InboundMessage;
import dev.realtime.schema.UtcTimestamps;

/**
 * Queries of the inbox tables, in plain JDBC on the application's {@link DataSource}.
 * Every method must run inside a transaction of the caller's; the statements join it
 * through the connection bound to the transaction (a
 * {@code DataSourceTransactionManager}'s, or a {@code JpaTransactionManager}'s on the
 * same database).
 */
class InboxRepository {

	/**
	 * Rows per JDBC batch when storing events: a page of thousands costs a few round
	 * trips.
	 */
	private static final int INSERT_BATCH = 500;

	private static final String EVENT_COLUMNS = "seq, event, payload, server_timestamp, origin_client_id, "
			+ "origin_idempotency_key, status, attempts, last_error, received_at";

	private final JdbcTemplate jdbc;

	InboxRepository(DataSource dataSource) {
		this.jdbc = new JdbcTemplate(dataSource);
	}

	@Nullable Cursor cursor(String userId) {
		List<Cursor> cursors = this.jdbc.query(
				"select last_ack_seq, failed_count from realtime_inbox_cursor where user_id = ?",
				(rs, row) -> new Cursor(rs.getLong(1), rs.getLong(2)), userId);
		return cursors.isEmpty() ? null : cursors.get(0);
	}

	/**
	 * Insert new events in JDBC batches.
	 * @param userId the receiving user
	 * @param messages the events to insert
	 * @param payloads the events' payloads as JSON text, in the same order
	 * @param receivedAt the time recorded as received
	 */
	void insert(String userId, List<InboundMessage> messages, List<String> payloads, Instant receivedAt) {
		Object received = UtcTimestamps.toColumn(receivedAt);
		List<Integer> indexes = IntStream.range(0, messages.size()).boxed().toList();
		this.jdbc.batchUpdate("insert into realtime_inbox_event (user_id, " + EVENT_COLUMNS
				+ ") values (?, ?, ?, ?, ?, ?, ?, ?, 0, null, ?)", indexes, INSERT_BATCH, (ps, index) -> {
					InboundMessage message = messages.get(index);
					ps.setString(1, userId);
					ps.setLong(2, message.seq());
					ps.setString(3, message.event());
					ps.setString(4, payloads.get(index));
					ps.setObject(5, UtcTimestamps.toColumn(message.timestamp()));
					ps.setString(6, message.originClientId());
					ps.setString(7, message.originIdempotencyKey());
					ps.setString(8, InboxStatus.RECEIVED.name());
					ps.setObject(9, received);
				});
	}

	/**
	 * Move the cursor from {@code expected} to {@code lastSeq}, creating it when the
	 * stream starts. Fails if the cursor is not at {@code expected}: another writer moved
	 * it.
	 * @param userId the user whose cursor moves
	 * @param expected the seq the cursor must be at
	 * @param lastSeq the seq the cursor moves to
	 * @param now the time recorded as the last sync
	 */
	void advanceCursor(String userId, long expected, long lastSeq, Instant now) {
		int updated = this.jdbc.update(
				"update realtime_inbox_cursor set last_ack_seq = ?, last_synced_at = ? "
						+ "where user_id = ? and last_ack_seq = ?",
				lastSeq, UtcTimestamps.toColumn(now), userId, expected);
		if (updated == 0) {
			if (expected != 0 || cursor(userId) != null) {
				throw new IllegalStateException("Inbound cursor of user '" + userId + "' is no longer at seq "
						+ expected + ": another writer stored events for this user");
			}
			insertCursor(userId, lastSeq, now);
		}
	}

	/**
	 * Put the cursor at {@code lastSeq} unconditionally, with no parked events counted.
	 * @param userId the user whose cursor is reset
	 * @param lastSeq the seq the cursor is put at
	 * @param now the time recorded as the last sync
	 */
	void resetCursor(String userId, long lastSeq, Instant now) {
		int updated = this.jdbc
			.update("update realtime_inbox_cursor set last_ack_seq = ?, failed_count = 0, last_synced_at = ? "
					+ "where user_id = ?", lastSeq, UtcTimestamps.toColumn(now), userId);
		if (updated == 0) {
			insertCursor(userId, lastSeq, now);
		}
	}

	private void insertCursor(String userId, long lastSeq, Instant now) {
		this.jdbc.update("insert into realtime_inbox_cursor (user_id, last_ack_seq, failed_count, last_synced_at) "
				+ "values (?, ?, 0, ?)", userId, lastSeq, UtcTimestamps.toColumn(now));
	}

	void deleteCursor(String userId) {
		this.jdbc.update("delete from realtime_inbox_cursor where user_id = ?", userId);
	}

	void adjustFailedCount(String userId, long delta) {
		this.jdbc.update("update realtime_inbox_cursor set failed_count = failed_count + ? where user_id = ?", delta,
				userId);
	}

	List<StoredEvent> events(String userId, InboxStatus status, int max) {
		return this.jdbc.query("select " + EVENT_COLUMNS + " from realtime_inbox_event where user_id = ? "
				+ "and status = ? order by seq limit ?", InboxRepository::event, userId, status.name(), max);
	}

	/**
	 * Count a failed listener attempt of a waiting event, and park it once it reached
	 * {@code maxAttempts}.
	 * @param userId the user
	 * @param seq the event's seq
	 * @param error the failure, recorded as the last error
	 * @param maxAttempts the attempts after which the event is parked
	 * @return whether a waiting event with that seq existed
	 */
	boolean recordFailure(String userId, long seq, String error, int maxAttempts) {
		// the status is assigned first: MariaDB evaluates later assignments with the
		// values already assigned, the others with the row's old values
		return this.jdbc.update(
				"update realtime_inbox_event set status = case when attempts + 1 >= ? then ? else status end, "
						+ "attempts = attempts + 1, last_error = ? where user_id = ? and seq = ? and status = ?",
				maxAttempts, InboxStatus.FAILED.name(), error, userId, seq, InboxStatus.RECEIVED.name()) > 0;
	}

	/**
	 * Return a parked event to the listeners with a fresh attempt budget.
	 * @param userId the user
	 * @param seq the event's seq
	 * @return whether a parked event with that seq existed
	 */
	boolean requeue(String userId, long seq) {
		return this.jdbc.update(
				"update realtime_inbox_event set status = ?, attempts = 0 where user_id = ? and seq = ? and status = ?",
				InboxStatus.RECEIVED.name(), userId, seq, InboxStatus.FAILED.name()) > 0;
	}

	@Nullable InboxStatus status(String userId, long seq) {
		List<String> statuses = this.jdbc.queryForList(
				"select status from realtime_inbox_event where user_id = ? and seq = ?", String.class, userId, seq);
		return statuses.isEmpty() ? null : InboxStatus.valueOf(statuses.get(0));
	}

	int deleteEvent(String userId, long seq, InboxStatus status) {
		return this.jdbc.update("delete from realtime_inbox_event where user_id = ? and seq = ? and status = ?", userId,
				seq, status.name());
	}

	int deleteEventsUpTo(String userId, long seq, InboxStatus status) {
		return this.jdbc.update("delete from realtime_inbox_event where user_id = ? and seq <= ? and status = ?",
				userId, seq, status.name());
	}

	void deleteEvents(String userId) {
		this.jdbc.update("delete from realtime_inbox_event where user_id = ?", userId);
	}

	private static StoredEvent event(ResultSet rs, int row) throws SQLException {
		return new StoredEvent(rs.getLong("seq"), rs.getString("event"), rs.getString("payload"),
				UtcTimestamps.read(rs, "server_timestamp"), rs.getString("origin_client_id"),
				rs.getString("origin_idempotency_key"), InboxStatus.valueOf(rs.getString("status")),
				rs.getInt("attempts"), rs.getString("last_error"), UtcTimestamps.readRequired(rs, "received_at"));
	}

	/**
	 * The resume cursor of a user's inbound stream and the maintained count of parked
	 * events.
	 *
	 * @param lastAckSeq the highest stored seq
	 * @param failedCount the events parked as failed
	 */
	record Cursor(long lastAckSeq, long failedCount) {
	}

}

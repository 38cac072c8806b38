package dev.realtime.outbox;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;

/**
 * The SQL of the outbox tables over plain JDBC. Every method runs in the caller's
 * transaction (the application's, or one the queue opened); the callers draw the
 * transaction boundaries.
 * <p>
 * Both relay queries are ranges of
 * {@code realtime_outbox_relay_ix (user_id, status, seq, id)}: new rows all have a null
 * seq, so ordering them by {@code seq, id} is the index order and the plan has no sort,
 * whatever the planner statistics (a sort of all pending rows collapsed a backlog of a
 * million rows to a few events a second).
 */
class OutboxRepository {

	private static final String FIND_CLIENT = "select client_id from realtime_client where user_id = ?";

	private static final String CREATE_CLIENT = "insert into realtime_client (user_id, client_id, next_seq,"
			+ " relay_epoch) values (?, ?, 1, 0)";

	private static final String LOCK_CLIENT = "select client_id, next_seq, relay_owner, relay_epoch"
			+ " from realtime_client where user_id = ? for update";

	private static final String SET_NEXT_SEQ = "update realtime_client set next_seq = ? where user_id = ?";

	// a released lease's expiry is 0, below any clock: free for the shared users' claim
	private static final String RELEASE_LEASE = "update realtime_client set relay_owner = null,"
			+ " relay_lease_until = 0 where user_id = ? and relay_owner = ? and relay_epoch = ?";

	private static final String LEASE = "select relay_epoch, next_seq from realtime_client where user_id = ?";

	static final String RESENDS = "select id, seq, idempotency_key, event, payload, created_at"
			+ " from realtime_outbox where user_id = ? and status = 'SEQUENCED' and seq > ? order by seq limit ?";

	static final String FRESH = "select id, seq, idempotency_key, event, payload, created_at"
			+ " from realtime_outbox where user_id = ? and status = 'NEW' order by seq, id limit ?";

	private static final String NUMBER = "update realtime_outbox set status = 'SEQUENCED', seq = ? where id = ?";

	static final String DELETE_ACKED = "delete from realtime_outbox where user_id = ?"
			+ " and status = 'SEQUENCED' and seq <= ?";

	private static final String MARK_DEAD = "update realtime_outbox set status = 'DEAD', error_code = ?,"
			+ " last_error = ?, dead_at = ? where user_id = ? and status = 'SEQUENCED' and seq = ?";

	private static final String COUNT = "select count(*) from realtime_outbox where user_id = ? and status = ?";

	private static final String OLDEST = "select created_at from realtime_outbox where user_id = ?"
			+ " and status = ? order by seq, id limit 1";

	private static final String DELETE_USER_ROWS = "delete from realtime_outbox where user_id = ?";

	private static final String DELETE_USER = "delete from realtime_client where user_id = ?";

	private static final String FIND_DEAD = "select id, seq, idempotency_key, event, payload, created_at,"
			+ " error_code, last_error, dead_at from realtime_outbox where user_id = ? and status = 'DEAD'"
			+ " order by id limit ? offset ?";

	/** A dead letter is sent again as a new event: the hub counted its old seq. */
	private static final String REVIVE = "update realtime_outbox set status = 'NEW', seq = null,"
			+ " error_code = null, last_error = null, dead_at = null where user_id = ? and id = ? and status = 'DEAD'";

	private static final String DELETE_DEAD = "delete from realtime_outbox where user_id = ? and id = ?"
			+ " and status = 'DEAD'";

	private static final RowMapper<OutboxRow> ROW = (rs, rowNum) -> new OutboxRow(rs.getLong("id"),
			nullableLong(rs, "seq"), rs.getString("idempotency_key"), rs.getString("event"), rs.getString("payload"),
			rs.getLong("created_at"));

	private final JdbcTemplate jdbc;

	private final OutboxDialect dialect;

	private final String acquireLease;

	private final String renewLease;

	OutboxRepository(DataSource dataSource, OutboxDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		// a lease under this instance's own id that it does not know of was left by an
		// earlier process with the same id: taken like an expired one
		this.acquireLease = "update realtime_client set relay_owner = ?, relay_epoch = relay_epoch + 1,"
				+ " relay_lease_until = " + dialect.nowMillis + " + ? where user_id = ? and (relay_owner is null"
				+ " or relay_owner = ? or relay_lease_until is null or relay_lease_until < " + dialect.nowMillis + ")";
		this.renewLease = "update realtime_client set relay_lease_until = " + dialect.nowMillis + " + ?"
				+ " where user_id = ? and relay_owner = ? and relay_epoch = ?";
	}

	/**
	 * Insert a new event unless the user already has a pending event with its idempotency
	 * key.
	 * @param userId the user whose stream the event joins
	 * @param key the event's idempotency key
	 * @param event the event name
	 * @param payload the event's JSON payload
	 * @param createdAtMicros when the event was created, in microseconds since the epoch
	 * @return whether a row was inserted
	 */
	boolean insertIfAbsent(String userId, String key, String event, String payload, long createdAtMicros) {
		return this.jdbc.update(this.dialect.insertIfAbsent, userId, key, event, payload, createdAtMicros) > 0;
	}

	/**
	 * Insert events in one JDBC batch, each unless its idempotency key is pending.
	 * @param rows the events to insert
	 * @return per event, whether a row was inserted
	 */
	boolean[] insertAllIfAbsent(List<NewRow> rows) {
		int[] counts = this.jdbc.batchUpdate(this.dialect.insertIfAbsent, rows, rows.size(), (ps, row) -> {
			ps.setString(1, row.userId());
			ps.setString(2, row.key());
			ps.setString(3, row.event());
			ps.setString(4, row.payload());
			ps.setLong(5, row.createdAtMicros());
		})[0];
		boolean[] inserted = new boolean[rows.size()];
		for (int i = 0; i < counts.length; i++) {
			// SUCCESS_NO_INFO (-2): the driver inserted without counting; a duplicate
			// reports 0
			inserted[i] = counts[i] != 0;
		}
		return inserted;
	}

	/**
	 * Whether {@link #insertAllCommitted} is one statement on this database; otherwise
	 * the caller runs {@link #insertAllIfAbsent} in a transaction of its own.
	 * @return whether the database inserts a batch in one statement
	 */
	boolean insertsInOneStatement() {
		return this.dialect.insertAll != null;
	}

	/**
	 * Insert events and commit them in one statement (only where
	 * {@link #insertsInOneStatement()}), each unless its idempotency key is pending. Runs
	 * on a connection of its own, outside any transaction; a connection that does not
	 * commit by itself is committed here.
	 * @param rows the events to insert
	 * @return per event, whether a row was inserted (of two with one key, the first)
	 */
	boolean[] insertAllCommitted(List<NewRow> rows) {
		String sql = this.dialect.insertAll;
		if (sql == null) {
			throw new IllegalStateException("No single-statement insert on " + this.dialect);
		}
		Set<String> inserted = this.jdbc.execute((ConnectionCallback<Set<String>>) (connection) -> {
			Object[][] columns = new Object[5][rows.size()];
			for (int i = 0; i < rows.size(); i++) {
				NewRow row = rows.get(i);
				columns[0][i] = row.userId();
				columns[1][i] = row.key();
				columns[2][i] = row.event();
				columns[3][i] = row.payload();
				columns[4][i] = row.createdAtMicros();
			}
			Set<String> keys = new HashSet<>();
			try (PreparedStatement statement = connection.prepareStatement(sql)) {
				statement.setArray(1, connection.createArrayOf("varchar", columns[0]));
				statement.setArray(2, connection.createArrayOf("varchar", columns[1]));
				statement.setArray(3, connection.createArrayOf("varchar", columns[2]));
				statement.setArray(4, connection.createArrayOf("text", columns[3]));
				statement.setArray(5, connection.createArrayOf("bigint", columns[4]));
				try (ResultSet result = statement.executeQuery()) {
					while (result.next()) {
						keys.add(userKey(result.getString(1), result.getString(2)));
					}
				}
			}
			if (!connection.getAutoCommit()) {
				connection.commit();
			}
			return keys;
		});
		boolean[] flags = new boolean[rows.size()];
		for (int i = 0; i < flags.length; i++) {
			flags[i] = inserted != null && inserted.remove(userKey(rows.get(i).userId(), rows.get(i).key()));
		}
		return flags;
	}

	private static String userKey(String userId, String key) {
		return userId + '\n' + key;
	}

	@Nullable String findClientId(String userId) {
		List<String> ids = this.jdbc.queryForList(FIND_CLIENT, String.class, userId);
		return ids.isEmpty() ? null : ids.get(0);
	}

	void createClient(String userId, String clientId) {
		this.jdbc.update(CREATE_CLIENT, userId, clientId);
	}

	/**
	 * Row-lock a user's stream: the relay's writes are serialized on it and fenced by its
	 * owner and epoch, and a takeover waits for the holder's transaction.
	 * @param userId the user whose stream to lock
	 * @return the locked stream, or {@code null} for an unknown user
	 */
	@Nullable ClientRow lockClient(String userId) {
		List<ClientRow> rows = this.jdbc.query(LOCK_CLIENT,
				(rs, rowNum) -> new ClientRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getLong(4)), userId);
		return rows.isEmpty() ? null : rows.get(0);
	}

	void setNextSeq(String userId, long nextSeq) {
		this.jdbc.update(SET_NEXT_SEQ, nextSeq, userId);
	}

	/**
	 * Take the lease if nobody holds an unexpired one, as timed by the database's clock.
	 * @param userId the user whose stream to lease
	 * @param owner the id of the instance taking the lease
	 * @param leaseMillis how long the lease lasts unless renewed
	 * @return the new epoch and the stream's next seq, or {@code null} when another
	 * instance holds the lease
	 */
	long @Nullable [] acquireLease(String userId, String owner, long leaseMillis) {
		if (this.jdbc.update(this.acquireLease, owner, leaseMillis, userId, owner) == 0) {
			return null;
		}
		return this.jdbc.queryForObject(LEASE, (rs, rowNum) -> new long[] { rs.getLong(1), rs.getLong(2) }, userId);
	}

	boolean renewLease(String userId, String owner, long epoch, long leaseMillis) {
		return this.jdbc.update(this.renewLease, leaseMillis, userId, owner, epoch) > 0;
	}

	void releaseLease(String userId, String owner, long epoch) {
		this.jdbc.update(RELEASE_LEASE, userId, owner, epoch);
	}

	List<OutboxRow> resends(String userId, long afterSeq, int max) {
		return this.jdbc.query(RESENDS, ROW, userId, afterSeq, max);
	}

	List<OutboxRow> fresh(String userId, int max) {
		return this.jdbc.query(FRESH, ROW, userId, max);
	}

	/**
	 * Give new rows their seqs, in one JDBC batch.
	 * @param rows the rows to number, in the order of their seqs
	 * @param firstSeq the seq of the first row; the others follow one by one
	 */
	void number(List<OutboxRow> rows, long firstSeq) {
		String numberAll = this.dialect.numberAll;
		if (numberAll != null) {
			Long[] ids = new Long[rows.size()];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = rows.get(i).id();
			}
			this.jdbc.update(numberAll, (ps) -> {
				Array array = ps.getConnection().createArrayOf("bigint", ids);
				ps.setLong(1, firstSeq);
				ps.setArray(2, array);
				ps.setArray(3, array);
			});
			return;
		}
		this.jdbc.batchUpdate(NUMBER, new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				ps.setLong(1, firstSeq + i);
				ps.setLong(2, rows.get(i).id());
			}

			@Override
			public int getBatchSize() {
				return rows.size();
			}

		});
	}

	/**
	 * Whether {@link #deleteAckedFenced} is one statement on this database; otherwise the
	 * caller locks the stream first and then calls {@link #deleteAcked}.
	 * @return whether the database runs the fenced delete in one statement
	 */
	boolean deletesAckedFenced() {
		return this.dialect.fencedDeleteAcked != null;
	}

	/**
	 * Lock the user's stream and delete its acked rows if this instance still holds the
	 * lease, in one statement (only where {@link #deletesAckedFenced()}).
	 * @param userId the user whose stream was acked
	 * @param ackSeq the highest seq the hub acked
	 * @param owner the id of the instance that must hold the lease
	 * @param epoch the lease's epoch that instance must hold
	 * @return the stream as the lock saw it and the rows deleted, or {@code null} for an
	 * unknown user
	 */
	@Nullable FencedDelete deleteAckedFenced(String userId, long ackSeq, String owner, long epoch) {
		String sql = this.dialect.fencedDeleteAcked;
		if (sql == null) {
			throw new IllegalStateException("No single-statement fenced delete on " + this.dialect);
		}
		List<FencedDelete> rows = this.jdbc.query(sql,
				(rs, rowNum) -> new FencedDelete(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getInt(4)), userId,
				userId, ackSeq, owner, epoch);
		return rows.isEmpty() ? null : rows.get(0);
	}

	int deleteAcked(String userId, long ackSeq) {
		if (this.dialect.asyncCommit != null) {
			this.jdbc.execute(this.dialect.asyncCommit);
		}
		return this.jdbc.update(DELETE_ACKED, userId, ackSeq);
	}

	int markDead(String userId, long seq, String code, String message, long nowMillis) {
		return this.jdbc.update(MARK_DEAD, truncate(code, 64), truncate(message, 1000), nowMillis, userId, seq);
	}

	long count(String userId, String status) {
		Long count = this.jdbc.queryForObject(COUNT, Long.class, userId, status);
		return (count != null) ? count : 0;
	}

	/**
	 * The creation time of a user's oldest pending row: sequenced rows were handed over
	 * before new ones, and each status is a range of the relay's index.
	 * @param userId the user whose rows to look at
	 * @return the creation time in microseconds since the epoch, or {@code null} when
	 * nothing is pending
	 */
	@Nullable Long oldestPendingCreatedAtMicros(String userId) {
		for (String status : new String[] { "SEQUENCED", "NEW" }) {
			List<Long> oldest = this.jdbc.queryForList(OLDEST, Long.class, userId, status);
			if (!oldest.isEmpty()) {
				return oldest.get(0);
			}
		}
		return null;
	}

	void deleteUser(String userId) {
		this.jdbc.update(DELETE_USER_ROWS, userId);
		this.jdbc.update(DELETE_USER, userId);
	}

	List<DeadRow> findDead(String userId, int offset, int limit) {
		return this.jdbc.query(FIND_DEAD, (rs, rowNum) -> new DeadRow(ROW.mapRow(rs, rowNum),
				rs.getString("error_code"), rs.getString("last_error"), nullableLong(rs, "dead_at")), userId, limit,
				offset);
	}

	int revive(String userId, long id) {
		return this.jdbc.update(REVIVE, userId, id);
	}

	int deleteDead(String userId, long id) {
		return this.jdbc.update(DELETE_DEAD, userId, id);
	}

	private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	private static String truncate(String text, int max) {
		return (text.length() <= max) ? text : text.substring(0, max);
	}

	/**
	 * An event to insert.
	 *
	 * @param userId the user whose stream the event joins
	 * @param key the event's idempotency key
	 * @param event the event name
	 * @param payload the event's JSON payload
	 * @param createdAtMicros when the event was created, in microseconds since the epoch
	 */
	record NewRow(String userId, String key, String event, String payload, long createdAtMicros) {
	}

	/**
	 * A pending or dead row of the outbox.
	 *
	 * @param id the row's id
	 * @param seq the seq given to the event, or {@code null} while it has none
	 * @param key the event's idempotency key
	 * @param event the event name
	 * @param payload the event's JSON payload
	 * @param createdAtMicros when the event was created, in microseconds since the epoch
	 */
	record OutboxRow(long id, @Nullable Long seq, String key, String event, String payload, long createdAtMicros) {
	}

	/**
	 * A dead letter's row with why it died.
	 *
	 * @param row the row
	 * @param errorCode the error code recorded when it died, if any
	 * @param lastError the error message recorded when it died, if any
	 * @param deadAt when the event was dead-lettered, in milliseconds since the epoch
	 */
	record DeadRow(OutboxRow row, @Nullable String errorCode, @Nullable String lastError, @Nullable Long deadAt) {
	}

	/**
	 * What a single-statement fenced delete saw and did.
	 *
	 * @param relayOwner the instance holding the lease, or {@code null} if none
	 * @param relayEpoch the lease's epoch
	 * @param nextSeq the stream's next seq
	 * @param deleted the number of acked rows deleted
	 */
	record FencedDelete(@Nullable String relayOwner, long relayEpoch, long nextSeq, int deleted) {
	}

	/**
	 * A user's stream as locked by the relay.
	 *
	 * @param clientId the client id of the stream
	 * @param nextSeq the stream's next seq
	 * @param relayOwner the instance holding the lease, or {@code null} if none
	 * @param relayEpoch the lease's epoch
	 */
	record ClientRow(String clientId, long nextSeq, @Nullable String relayOwner, long relayEpoch) {
	}

}

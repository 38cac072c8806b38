package dev.realtime.outbox;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
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

	private static final String CREATE_CLIENT = "insert into realtime_client (user_id, client_id, relay_epoch)"
			+ " values (?, ?, 0)";

	static final String CREATE_SEQ = "insert into realtime_outbox_seq (user_id, next_seq) values (?, 1)";

	private static final String LOCK_CLIENT = "select client_id, relay_owner, relay_epoch"
			+ " from realtime_client where user_id = ? for update";

	static final String LOCK_SEQ = "select next_seq from realtime_outbox_seq where user_id = ? for update";

	static final String SET_NEXT_SEQ = "update realtime_outbox_seq set next_seq = ? where user_id = ?";

	private static final String RAISE_SENT = "update realtime_client set sent_seq = ? where user_id = ?"
			+ " and sent_seq < ?";

	// a released lease's expiry is 0, below any clock: free for the shared users' claim
	private static final String RELEASE_LEASE = "update realtime_client set relay_owner = null,"
			+ " relay_lease_until = 0, sent_seq = greatest(sent_seq, ?) where user_id = ? and relay_owner = ?"
			+ " and relay_epoch = ?";

	private static final String LEASE = "select relay_epoch, sent_seq from realtime_client where user_id = ?";

	static final String SEQUENCED = "select id, seq, idempotency_key, event, payload, created_at"
			+ " from realtime_outbox where user_id = ? and status = 'SEQUENCED' and seq > ? order by seq limit ?";

	private static final String HELD = "select count(*) from realtime_client where user_id = ? and relay_owner = ?"
			+ " and relay_epoch = ?";

	static final String FRESH = "select id, seq, idempotency_key, event, payload, created_at"
			+ " from realtime_outbox where user_id = ? and status = 'NEW' order by seq, id limit ?";

	private static final String NUMBER = "update realtime_outbox set status = 'SEQUENCED', seq = ? where id = ?";

	static final String DELETE_ACKED = "delete from realtime_outbox where user_id = ?"
			+ " and status = 'SEQUENCED' and seq <= ?";

	private static final String LOWEST_SEQUENCED = "select min(seq) from realtime_outbox where user_id = ?"
			+ " and status = 'SEQUENCED'";

	// every target is above every seq the user's rows hold, so no row ever takes a seq
	// another still has, whatever order the database updates them in
	private static final String SHIFT_SEQUENCED = "update realtime_outbox set seq = seq + ? where user_id = ?"
			+ " and status = 'SEQUENCED'";

	private static final String MARK_DEAD = "update realtime_outbox set status = 'DEAD', error_code = ?,"
			+ " last_error = ?, dead_at = ? where user_id = ? and status = 'SEQUENCED' and seq = ?";

	private static final String COUNT = "select count(*) from realtime_outbox where user_id = ? and status = ?";

	private static final String OLDEST = "select created_at from realtime_outbox where user_id = ?"
			+ " and status = ? order by seq, id limit 1";

	private static final String DELETE_USER_ROWS = "delete from realtime_outbox where user_id = ?";

	private static final String DELETE_USER = "delete from realtime_client where user_id = ?";

	private static final String DELETE_SEQ = "delete from realtime_outbox_seq where user_id = ?";

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

	private final OutboxGroupInsert groupInsert;

	private final String acquireLease;

	private final String renewLease;

	OutboxRepository(DataSource dataSource, OutboxDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.groupInsert = new OutboxGroupInsert(this.jdbc, dialect);
		// a lease under this instance's own id that it does not know of was left by an
		// earlier process with the same id: taken like an expired one
		this.acquireLease = "update realtime_client set relay_owner = ?, relay_epoch = relay_epoch + 1,"
				+ " relay_lease_until = " + dialect.nowMillis + " + ? where user_id = ? and (relay_owner is null"
				+ " or relay_owner = ? or relay_lease_until is null or relay_lease_until < " + dialect.nowMillis + ")";
		this.renewLease = "update realtime_client set relay_lease_until = " + dialect.nowMillis + " + ?"
				+ " where user_id = ? and relay_owner = ? and relay_epoch = ?";
	}

	/**
	 * Insert events in one JDBC batch, each unless the user already has a pending event
	 * with its idempotency key, in the current transaction; the relay numbers them once
	 * they are committed.
	 * @param rows the events to insert, of one user, each key once
	 * @return how many rows were inserted
	 */
	int insertAllIfAbsent(List<NewRow> rows) {
		int[][] counts = this.jdbc.batchUpdate(this.dialect.insertIfAbsent, rows, rows.size(), (statement, row) -> {
			statement.setString(1, row.userId());
			statement.setString(2, row.key());
			statement.setString(3, row.event());
			statement.setString(4, row.payload());
			statement.setLong(5, row.createdAtMicros());
			statement.setString(6, "NEW");
			// typed: an untyped null makes the driver ask the database for its type
			statement.setNull(7, Types.BIGINT);
		});
		int inserted = 0;
		for (int[] batch : counts) {
			for (int count : batch) {
				// SUCCESS_NO_INFO (-2): the driver inserted without counting; a duplicate
				// reports 0
				if (count != 0) {
					inserted++;
				}
			}
		}
		return inserted;
	}

	/**
	 * Insert a group of events and commit them, on a connection of its own outside any
	 * transaction ({@link OutboxGroupInsert}).
	 * @param rows the events to insert
	 * @return per event, whether and how it was stored (of two with one key, the first)
	 * @throws UncertainCommitException if the commit failed, so the rows may be stored
	 */
	Stored[] insertGroup(List<NewRow> rows) {
		return this.groupInsert.insert(rows);
	}

	@Nullable String findClientId(String userId) {
		List<String> ids = this.jdbc.queryForList(FIND_CLIENT, String.class, userId);
		return ids.isEmpty() ? null : ids.get(0);
	}

	void createClient(String userId, String clientId) {
		this.jdbc.update(CREATE_CLIENT, userId, clientId);
		this.jdbc.update(CREATE_SEQ, userId);
	}

	/**
	 * Row-lock a user's stream: the relay's writes are serialized on it and fenced by its
	 * owner and epoch, and a takeover waits for the holder's transaction.
	 * @param userId the user whose stream to lock
	 * @return the locked stream, or {@code null} for an unknown user
	 */
	@Nullable ClientRow lockClient(String userId) {
		List<ClientRow> rows = this.jdbc.query(LOCK_CLIENT,
				(rs, rowNum) -> new ClientRow(rs.getString(1), rs.getString(2), rs.getLong(3)), userId);
		return rows.isEmpty() ? null : rows.get(0);
	}

	/**
	 * Row-lock a user's seq counter, after its stream ({@link #lockClient}): numbering
	 * waits for a group commit that gives the user seqs, and the other way round.
	 * @param userId the user whose counter to lock
	 * @return the next seq to give out
	 */
	long lockSeq(String userId) {
		Long next = this.jdbc.queryForObject(LOCK_SEQ, Long.class, userId);
		return Objects.requireNonNull(next, "next_seq is not null");
	}

	/**
	 * Advance a user's seq counter (locked by {@link #lockSeq}) and raise the bound of
	 * its acks: the seqs numbered are sent next.
	 * @param userId the user whose counter to advance
	 * @param nextSeq the next seq to give out
	 */
	void numbered(String userId, long nextSeq) {
		this.jdbc.update(SET_NEXT_SEQ, nextSeq, userId);
		raiseSent(userId, nextSeq - 1);
	}

	private void raiseSent(String userId, long sentSeq) {
		this.jdbc.update(RAISE_SENT, sentSeq, userId, sentSeq);
	}

	/**
	 * If the hub acked a seq above every seq the user's counter gave out (locked by
	 * {@link #lockSeq}), move the counter past it and every sequenced row above it, the
	 * lowest to {@code ackSeq + 1} and the others keeping their distance, and raise the
	 * bound of acks to it; in the caller's fenced transaction.
	 * @param userId the user whose stream the hub acked
	 * @param ackSeq the hub's {@code ack_seq}
	 * @param otherLowest the lowest seq of the user's numbered events kept elsewhere (in
	 * memory), or {@link Long#MAX_VALUE}
	 * @return what moved; {@link Shift#delta()} 0 when {@code ackSeq} is within the
	 * counter
	 */
	Shift shiftAbove(String userId, long ackSeq, long otherLowest) {
		long next = lockSeq(userId);
		if (ackSeq < next) {
			return new Shift(next - 1, 0, 0);
		}
		Long lowestRow = this.jdbc.queryForObject(LOWEST_SEQUENCED, Long.class, userId);
		long lowest = Math.min(Math.min((lowestRow != null) ? lowestRow : next, otherLowest), next);
		long delta = ackSeq + 1 - lowest;
		int moved = this.jdbc.update(SHIFT_SEQUENCED, delta, userId);
		this.jdbc.update(SET_NEXT_SEQ, next + delta, userId);
		raiseSent(userId, ackSeq);
		return new Shift(next - 1, delta, moved);
	}

	/**
	 * Take the lease if nobody holds an unexpired one, as timed by the database's clock.
	 * @param userId the user whose stream to lease
	 * @param owner the id of the instance taking the lease
	 * @param leaseMillis how long the lease lasts unless renewed
	 * @return the new epoch and the highest seq sent, or {@code null} when another
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

	void releaseLease(String userId, String owner, long epoch, long sentSeq) {
		this.jdbc.update(RELEASE_LEASE, sentSeq, userId, owner, epoch);
	}

	/**
	 * Read the numbered rows after a seq, if this instance holds the lease, without a
	 * lock, and raise the bound of acks to the highest of them; also tell whether a new
	 * row waits to be numbered.
	 * @param userId the user whose rows to read
	 * @param afterSeq the highest seq claimed already
	 * @param owner the id of this instance
	 * @param epoch the lease's epoch this instance holds
	 * @param max the most rows to read
	 * @return the numbered rows in seq order, and whether a new row waits
	 */
	SequencedClaim claimSequenced(String userId, long afterSeq, String owner, long epoch, int max) {
		String sql = this.dialect.claimSequenced;
		if (sql == null) {
			if (!Long.valueOf(1).equals(this.jdbc.queryForObject(HELD, Long.class, userId, owner, epoch))) {
				return new SequencedClaim(List.of(), false, false);
			}
			List<OutboxRow> rows = sequenced(userId, afterSeq, max);
			if (!rows.isEmpty()) {
				raiseSent(userId, Objects.requireNonNull(rows.get(rows.size() - 1).seq()));
			}
			return new SequencedClaim(rows, !fresh(userId, 1).isEmpty(), true);
		}
		List<OutboxRow> rows = new ArrayList<>();
		boolean[] newWaiting = new boolean[1];
		boolean[] held = { true };
		this.jdbc.query(sql, (RowCallbackHandler) (rs) -> {
			switch (rs.getString("kind")) {
				case "S" -> rows.add(ROW.mapRow(rs, rows.size()));
				case "N" -> newWaiting[0] = true;
				default -> held[0] = false;
			}
		}, owner, epoch, userId, userId, afterSeq, max, userId, userId);
		return new SequencedClaim(rows, newWaiting[0], held[0]);
	}

	List<OutboxRow> sequenced(String userId, long afterSeq, int max) {
		return this.jdbc.query(SEQUENCED, ROW, userId, afterSeq, max);
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
	 * Lock the user's stream, delete its acked rows and raise the bound of its acks if
	 * this instance still holds the lease, in one statement (only where
	 * {@link #deletesAckedFenced()}).
	 * @param userId the user whose stream was acked
	 * @param ackSeq the highest seq the hub acked
	 * @param sentSeq the highest seq given to a connection
	 * @param owner the id of the instance that must hold the lease
	 * @param epoch the lease's epoch that instance must hold
	 * @return the stream as the lock saw it and the rows deleted, or {@code null} for an
	 * unknown user
	 */
	@Nullable FencedDelete deleteAckedFenced(String userId, long ackSeq, long sentSeq, String owner, long epoch) {
		String sql = this.dialect.fencedDeleteAcked;
		if (sql == null) {
			throw new IllegalStateException("No single-statement fenced delete on " + this.dialect);
		}
		List<FencedDelete> rows = this.jdbc.query(sql,
				(rs, rowNum) -> new FencedDelete(rs.getString(1), rs.getLong(2), rs.getInt(3)), owner, epoch, userId,
				userId, ackSeq, sentSeq, userId, sentSeq);
		return rows.isEmpty() ? null : rows.get(0);
	}

	/**
	 * Delete a user's acked rows and raise the bound of its acks, in the caller's fenced
	 * transaction.
	 * @param userId the user whose stream was acked
	 * @param ackSeq the highest seq the hub acked
	 * @param sentSeq the highest seq given to a connection
	 * @return the rows deleted
	 */
	int deleteAcked(String userId, long ackSeq, long sentSeq) {
		if (this.dialect.asyncCommit != null) {
			this.jdbc.execute(this.dialect.asyncCommit);
		}
		raiseSent(userId, sentSeq);
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
		this.jdbc.update(DELETE_SEQ, userId);
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
		// from the hub's error frame: NUL is no text PostgreSQL stores
		String stored = text.replace('\0', '\uFFFD');
		return (stored.length() <= max) ? stored : stored.substring(0, max);
	}

	/**
	 * An instant as the outbox stores it: microseconds since the epoch, the precision
	 * every supported database keeps.
	 * @param instant the instant
	 * @return its microseconds since the epoch
	 */
	static long micros(Instant instant) {
		return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
	}

	/**
	 * The instant of a stored time.
	 * @param micros microseconds since the epoch, as {@link #micros} stored them
	 * @return the instant
	 */
	static Instant instant(long micros) {
		return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
	}

}

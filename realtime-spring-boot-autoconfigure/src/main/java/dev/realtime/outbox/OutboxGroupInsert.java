package dev.realtime.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The group commit's insert of {@link OutboxRepository}: the events of many senders
 * written and committed together on a connection of its own, each user's rows numbered
 * from the user's counter as they are inserted where they may be, a pending idempotency
 * key rolled back and written again without it.
 */
final class OutboxGroupInsert {

	/** SQLState of a unique key violation. */
	private static final String UNIQUE_VIOLATION = "23505";

	/** SQLState class of a broken connection. */
	private static final String CONNECTION_EXCEPTION = "08";

	private final JdbcTemplate jdbc;

	private final OutboxDialect dialect;

	OutboxGroupInsert(JdbcTemplate jdbc, OutboxDialect dialect) {
		this.jdbc = jdbc;
		this.dialect = dialect;
	}

	/**
	 * Insert a group of events and commit them, on a connection of its own outside any
	 * transaction, each unless its idempotency key is pending. The rows of a user whose
	 * rows may all be numbered ({@link NewRow#numbered()}) get their seqs from the user's
	 * counter as they are inserted; the others are new rows for the relay to number. The
	 * users' counters are locked in user order, so two instances' group commits never
	 * deadlock. A group in which a key turned out pending is rolled back and written
	 * again without it, so the counter never skips a seq. One user's group on PostgreSQL
	 * is first tried in one statement that commits by itself, and fails whole on a
	 * pending key (one round trip, the common case).
	 * @param rows the events to insert
	 * @return per event, whether and how it was stored (of two with one key, the first)
	 * @throws UncertainCommitException if the commit failed, so the rows may be stored
	 */
	Stored[] insert(List<NewRow> rows) {
		Map<String, Stored> inserted = this.jdbc.execute((ConnectionCallback<Map<String, Stored>>) (connection) -> {
			Map<String, Stored> alone = insertAloneIfUnique(connection, rows);
			if (alone != null) {
				return alone;
			}
			boolean autoCommit = connection.getAutoCommit();
			connection.setAutoCommit(false);
			try {
				List<NewRow> todo = rows;
				while (true) {
					Map<String, Stored> keys = new HashMap<>();
					String insertAll = this.dialect.insertAll;
					for (List<NewRow> userRows : byUser(todo).values()) {
						boolean numbered = userRows.stream().allMatch(NewRow::numbered);
						keys.putAll((insertAll != null) ? insertUserRows(connection, insertAll, userRows, numbered)
								: insertInBatch(connection, userRows, numbered));
					}
					if (keys.size() == todo.size()) {
						commit(connection);
						return keys;
					}
					// a pending key: its row would have taken a seq that is never sent
					connection.rollback();
					todo = todo.stream().filter((row) -> keys.containsKey(userKey(row))).toList();
					if (todo.isEmpty()) {
						return keys;
					}
				}
			}
			catch (SQLException | RuntimeException ex) {
				rollbackQuietly(connection);
				throw ex;
			}
			finally {
				connection.setAutoCommit(autoCommit);
			}
		});
		Stored[] stored = new Stored[rows.size()];
		for (int i = 0; i < stored.length; i++) {
			Stored row = (inserted != null) ? inserted.remove(userKey(rows.get(i))) : null;
			stored[i] = (row != null) ? row : Stored.DUPLICATE;
		}
		return stored;
	}

	/**
	 * Insert one user's rows in one statement that commits by itself, where the database
	 * has one and the connection commits by itself.
	 * @param connection the connection
	 * @param rows the events to insert
	 * @return the keys inserted, with how; {@code null} when this did not apply or a key
	 * was pending (nothing was written then)
	 * @throws SQLException if the statement failed otherwise
	 * @throws UncertainCommitException if the connection failed, so the rows may be
	 * stored
	 */
	private @Nullable Map<String, Stored> insertAloneIfUnique(Connection connection, List<NewRow> rows)
			throws SQLException {
		String sql = this.dialect.insertAllUnique;
		String userId = rows.get(0).userId();
		if (sql == null || !connection.getAutoCommit()
				|| !rows.stream().allMatch((row) -> row.userId().equals(userId))) {
			return null;
		}
		try {
			return insertUserRows(connection, sql, rows, rows.stream().allMatch(NewRow::numbered));
		}
		catch (SQLException ex) {
			String state = ex.getSQLState();
			if (UNIQUE_VIOLATION.equals(state)) {
				return null;
			}
			if (state == null || state.startsWith(CONNECTION_EXCEPTION)) {
				throw new UncertainCommitException(ex);
			}
			throw ex;
		}
	}

	private static Map<String, List<NewRow>> byUser(List<NewRow> rows) {
		Map<String, List<NewRow>> users = new TreeMap<>();
		for (NewRow row : rows) {
			users.computeIfAbsent(row.userId(), (user) -> new ArrayList<>()).add(row);
		}
		return users;
	}

	private static void commit(Connection connection) {
		try {
			connection.commit();
		}
		catch (SQLException ex) {
			throw new UncertainCommitException(ex);
		}
	}

	private static void rollbackQuietly(Connection connection) {
		try {
			connection.rollback();
		}
		catch (SQLException ex) {
			// the connection is broken: the server ends the transaction without a commit
		}
	}

	private Map<String, Stored> insertUserRows(Connection connection, String sql, List<NewRow> rows, boolean numbered)
			throws SQLException {
		String userId = rows.get(0).userId();
		Object[][] columns = new Object[4][rows.size()];
		for (int i = 0; i < rows.size(); i++) {
			NewRow row = rows.get(i);
			columns[0][i] = row.key();
			columns[1][i] = row.event();
			columns[2][i] = row.payload();
			columns[3][i] = row.createdAtMicros();
		}
		Map<String, Stored> keys = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(sql)) {
			statement.setInt(1, rows.size());
			statement.setString(2, userId);
			statement.setBoolean(3, numbered);
			statement.setInt(4, rows.size());
			statement.setString(5, userId);
			statement.setArray(6, connection.createArrayOf("varchar", columns[0]));
			statement.setArray(7, connection.createArrayOf("varchar", columns[1]));
			statement.setArray(8, connection.createArrayOf("text", columns[2]));
			statement.setArray(9, connection.createArrayOf("bigint", columns[3]));
			try (ResultSet result = statement.executeQuery()) {
				while (result.next()) {
					long seq = result.getLong(2);
					keys.put(userKey(userId, result.getString(1)), result.wasNull() ? Stored.NEW : new Stored(seq));
				}
			}
		}
		return keys;
	}

	/**
	 * A user's rows of a group commit where no single statement inserts them: lock the
	 * counter, insert in one JDBC batch, advance the counter unless a key was pending
	 * (the caller rolls back then).
	 * @param connection the connection, in a transaction
	 * @param rows the user's events to insert
	 * @param numbered whether they take their seqs now
	 * @return the user ids and keys inserted, with how
	 * @throws SQLException if the database failed
	 */
	private Map<String, Stored> insertInBatch(Connection connection, List<NewRow> rows, boolean numbered)
			throws SQLException {
		String userId = rows.get(0).userId();
		Long first = numbered ? lockNextSeq(connection, userId) : null;
		Map<String, Stored> keys = new HashMap<>();
		try (PreparedStatement statement = connection.prepareStatement(this.dialect.insertIfAbsent)) {
			long seq = (first != null) ? first : 0;
			for (NewRow row : rows) {
				statement.setString(1, userId);
				statement.setString(2, row.key());
				statement.setString(3, row.event());
				statement.setString(4, row.payload());
				statement.setLong(5, row.createdAtMicros());
				statement.setString(6, (first != null) ? "SEQUENCED" : "NEW");
				if (first != null) {
					statement.setLong(7, seq++);
				}
				else {
					statement.setNull(7, Types.BIGINT);
				}
				statement.addBatch();
			}
			int[] counts = statement.executeBatch();
			for (int i = 0; i < counts.length; i++) {
				// SUCCESS_NO_INFO (-2): the driver inserted without counting; a duplicate
				// reports 0
				if (counts[i] != 0) {
					keys.put(userKey(rows.get(i)), (first != null) ? new Stored(first + i) : Stored.NEW);
				}
			}
			if (first != null && keys.size() == rows.size()) {
				try (PreparedStatement advance = connection.prepareStatement(OutboxRepository.SET_NEXT_SEQ)) {
					advance.setLong(1, seq);
					advance.setString(2, userId);
					advance.executeUpdate();
				}
			}
		}
		return keys;
	}

	/**
	 * {@link OutboxRepository#lockSeq} on the group commit's own connection.
	 * @param connection the connection, in a transaction
	 * @param userId the user whose counter to lock
	 * @return the next seq to give out, or {@code null} for a user without a counter
	 * @throws SQLException if the database failed
	 */
	private static @Nullable Long lockNextSeq(Connection connection, String userId) throws SQLException {
		try (PreparedStatement statement = connection.prepareStatement(OutboxRepository.LOCK_SEQ)) {
			statement.setString(1, userId);
			try (ResultSet result = statement.executeQuery()) {
				return result.next() ? result.getLong(1) : null;
			}
		}
	}

	private static String userKey(NewRow row) {
		return userKey(row.userId(), row.key());
	}

	private static String userKey(String userId, String key) {
		return userId + '\n' + key;
	}

}

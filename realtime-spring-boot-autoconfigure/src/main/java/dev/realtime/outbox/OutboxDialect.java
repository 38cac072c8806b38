package dev.realtime.outbox;

import java.sql.DatabaseMetaData;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The SQL that differs between the databases the library's migrations support: inserting
 * an event unless its idempotency key is already pending, the next row id, and the
 * database's clock (leases are timed by it, so the hosts' clocks may disagree).
 */
enum OutboxDialect {

	POSTGRESQL(
			"insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status)"
					+ " values (nextval('realtime_outbox_id_seq'), ?, ?, ?, ?, ?, 'NEW')"
					+ " on conflict (user_id, idempotency_key) do nothing",
			"cast(extract(epoch from clock_timestamp()) * 1000 as bigint)", "set local synchronous_commit to off",
			// a group commit's rows in one statement that commits by itself: one round
			// trip per
			// group; ids follow the senders' order (volatile functions run after the
			// sort)
			"insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status)"
					+ " select nextval('realtime_outbox_id_seq'), r.u, r.k, r.e, r.p, r.c, 'NEW' from unnest(?::varchar[],"
					+ " ?::varchar[], ?::varchar[], ?::text[], ?::bigint[]) with ordinality as r(u, k, e, p, c, o)"
					+ " order by r.o on conflict (user_id, idempotency_key) do nothing returning user_id, idempotency_key",
			// one statement for a claim's numbering: the ids are a primary-key lookup,
			// whatever
			// the statistics, and each row's seq follows from its place in the array
			"update realtime_outbox set status = 'SEQUENCED', seq = ? + array_position(?, id) - 1"
					+ " where id = any(?) and status = 'NEW'",
			// the fenced ack delete in one round trip: lock the user's stream, delete
			// only if this
			// instance still holds the lease, and report what the lock saw; the commit
			// does not
			// wait for its flush (see asyncCommit)
			"with c as (select relay_owner, relay_epoch, next_seq from realtime_client where user_id = ? for update),"
					+ " d as (delete from realtime_outbox where user_id = ? and status = 'SEQUENCED' and seq <= ?"
					+ " and exists (select 1 from c where relay_owner = ? and relay_epoch = ?) returning 1)"
					+ " select relay_owner, relay_epoch, next_seq, (select count(*) from d),"
					+ " set_config('synchronous_commit', 'off', true) from c",
			"select n_dead_tup from pg_stat_user_tables where relid = to_regclass('realtime_outbox')",
			"vacuum realtime_outbox"),

	// INSERT IGNORE also turns other errors into warnings; the values are validated
	// before
	MARIADB("insert ignore into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status)"
			+ " values (next value for realtime_outbox_id_seq, ?, ?, ?, ?, ?, 'NEW')",
			"cast(unix_timestamp(now(3)) * 1000 as signed)", null, null, null, null, null, null),

	H2("merge into realtime_outbox t using (select cast(? as varchar(128)) u, cast(? as varchar(255)) k,"
			+ " cast(? as varchar(255)) e, cast(? as clob) p, cast(? as bigint) c) s"
			+ " on t.user_id = s.u and t.idempotency_key = s.k when not matched then insert"
			+ " (id, user_id, idempotency_key, event, payload, created_at, status)"
			+ " values (next value for realtime_outbox_id_seq, s.u, s.k, s.e, s.p, s.c, 'NEW')",
			"cast(extract(epoch from current_timestamp) * 1000 as bigint)", null, null, null, null, null, null);

	/**
	 * Parameters: user id, idempotency key, event, payload, created_at; updates 0 rows
	 * for a pending key.
	 */
	final String insertIfAbsent;

	/** An expression of the database's current time in epoch milliseconds. */
	final String nowMillis;

	/**
	 * A statement that lets the current transaction commit without waiting for its flush
	 * to disk, if the database has one. Only for deletes of acked rows: one lost in a
	 * crash is resent and deduplicated by the hub, and the relay is not held up by a
	 * flush per ack.
	 */
	final @Nullable String asyncCommit;

	/**
	 * Insert a group of rows in one statement, each unless its idempotency key is
	 * pending, returning the user ids and keys inserted; or {@code null} for a JDBC batch
	 * in a transaction. Parameters: arrays of user ids, keys, events, payloads,
	 * created_at.
	 */
	final @Nullable String insertAll;

	/**
	 * Number rows in one statement, or {@code null} for a JDBC batch of one update per
	 * row. Parameters: the first seq, the ids in seq order as an array, the same array
	 * again.
	 */
	final @Nullable String numberAll;

	/**
	 * Delete acked rows in one statement that also locks and checks the lease, or
	 * {@code null} for a lock, then a delete. Parameters: user id, user id, ack seq,
	 * owner, epoch; one row (owner, epoch, next seq, rows deleted), or none for an
	 * unknown user.
	 */
	final @Nullable String fencedDeleteAcked;

	/**
	 * How many dead row versions the outbox table holds, or {@code null} where the
	 * database cleans up by itself.
	 */
	final @Nullable String deadRows;

	/**
	 * Reclaims the outbox table's dead row versions, or {@code null}.
	 */
	final @Nullable String vacuum;

	OutboxDialect(String insertIfAbsent, String nowMillis, @Nullable String asyncCommit, @Nullable String insertAll,
			@Nullable String numberAll, @Nullable String fencedDeleteAcked, @Nullable String deadRows,
			@Nullable String vacuum) {
		this.insertIfAbsent = insertIfAbsent;
		this.nowMillis = nowMillis;
		this.asyncCommit = asyncCommit;
		this.insertAll = insertAll;
		this.numberAll = numberAll;
		this.fencedDeleteAcked = fencedDeleteAcked;
		this.deadRows = deadRows;
		this.vacuum = vacuum;
	}

	static OutboxDialect of(DatabaseMetaData metaData) throws java.sql.SQLException {
		String product = metaData.getDatabaseProductName();
		String name = product.toLowerCase(Locale.ROOT);
		if (name.contains("postgresql")) {
			return POSTGRESQL;
		}
		if (name.contains("mariadb") || name.contains("mysql")) {
			return MARIADB;
		}
		if (name.equals("h2")) {
			return H2;
		}
		throw new IllegalStateException("The realtime outbox supports PostgreSQL, MariaDB and H2, not " + product
				+ ": define an OutboundQueueFactory bean of your own, or use a supported database");
	}

}

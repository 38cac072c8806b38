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
			"insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status, seq)"
					+ " values (nextval('realtime_outbox_id_seq'), ?, ?, ?, ?, ?, ?, ?)"
					+ " on conflict (user_id, idempotency_key) do nothing",
			"cast(extract(epoch from clock_timestamp()) * 1000 as bigint)", "set local synchronous_commit to off",
			// in a transaction: pending keys are skipped, and the group is then
			// written again without them
			OutboxDialect.INSERT_USER_ROWS.replace(" returning idempotency_key",
					" on conflict (user_id, idempotency_key) do nothing returning idempotency_key"),
			OutboxDialect.INSERT_USER_ROWS,
			// one statement for a claim's numbering: the ids are a primary-key
			// lookup, whatever the statistics, and each row's seq follows from
			// its place in the array
			"update realtime_outbox set status = 'SEQUENCED', seq = ? + array_position(?, id) - 1"
					+ " where id = any(?) and status = 'NEW'",
			// the fenced ack delete in one round trip: lock the user's stream,
			// delete and raise the bound of acks only if this instance still holds
			// the lease, and report what the lock saw; the commit does not wait for
			// its flush (asyncCommit)
			"with c as (select relay_owner, relay_epoch, relay_owner = ? and relay_epoch = ? as held"
					+ " from realtime_client where user_id = ? for update),"
					+ " d as (delete from realtime_outbox where user_id = ? and status = 'SEQUENCED' and seq <= ?"
					+ " and coalesce((select held from c), false) returning 1),"
					+ " s as (update realtime_client set sent_seq = ? where user_id = ? and sent_seq < ?"
					+ " and coalesce((select held from c), false))"
					+ " select relay_owner, relay_epoch, (select count(*) from d),"
					+ " set_config('synchronous_commit', 'off', true) from c",
			// the claim of numbered rows in one round trip, without a lock: the
			// rows after the last one claimed if this instance holds the lease,
			// the bound of acks raised to the highest of them (its commit does
			// not wait for its flush: a bound lost in a crash only makes a later
			// ack wait for the resend), and one new row if any waits
			"with h as (select relay_owner = ? and relay_epoch = ? as held from realtime_client where user_id = ?),"
					+ " r as (select id, seq, idempotency_key, event, payload, created_at,"
					+ " set_config('synchronous_commit', 'off', true) as async from realtime_outbox where user_id = ?"
					+ " and status = 'SEQUENCED' and seq > ? and coalesce((select held from h), false)"
					+ " order by seq limit ?),"
					+ " u as (update realtime_client c set sent_seq = m.seq from (select max(seq) as seq from r) m"
					+ " where c.user_id = ? and c.sent_seq < m.seq returning 1)"
					+ " select 'S' as kind, id, seq, idempotency_key, event, payload, created_at from r"
					+ " union all (select 'N', id, seq, idempotency_key, event, payload, created_at from realtime_outbox"
					+ " where user_id = ? and status = 'NEW' and coalesce((select held from h), false)"
					+ " order by seq, id limit 1) union all select 'L', null, null, null, null, null, null"
					+ " where not coalesce((select held from h), false)",
			"select n_dead_tup from pg_stat_user_tables where relid = to_regclass('realtime_outbox')",
			"vacuum realtime_outbox"),

	// INSERT IGNORE also turns other errors into warnings; the values are validated
	// before
	MARIADB("insert ignore into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status,"
			+ " seq) values (next value for realtime_outbox_id_seq, ?, ?, ?, ?, ?, ?, ?)",
			"cast(unix_timestamp(now(3)) * 1000 as signed)", null, null, null, null, null, null, null, null),

	H2("merge into realtime_outbox t using (select cast(? as varchar(128)) u, cast(? as varchar(255)) k,"
			+ " cast(? as varchar(255)) e, cast(? as clob) p, cast(? as bigint) c, cast(? as varchar(16)) st,"
			+ " cast(? as bigint) sq) s on t.user_id = s.u and t.idempotency_key = s.k when not matched then insert"
			+ " (id, user_id, idempotency_key, event, payload, created_at, status, seq)"
			+ " values (next value for realtime_outbox_id_seq, s.u, s.k, s.e, s.p, s.c, s.st, s.sq)",
			"cast(extract(epoch from current_timestamp) * 1000 as bigint)", null, null, null, null, null, null, null,
			null);

	/**
	 * One user's rows of a group commit in one statement: if they may be numbered, the
	 * user's counter is locked and advanced and each row takes its seq as it is inserted;
	 * else they are new rows for the relay to number.
	 */
	private static final String INSERT_USER_ROWS = "with s as (update realtime_outbox_seq"
			+ " set next_seq = next_seq + ? where user_id = ? and ? returning next_seq - ? as first)"
			+ " insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status, seq)"
			+ " select nextval('realtime_outbox_id_seq'), ?, r.k, r.e, r.p, r.c,"
			+ " case when s.first is null then 'NEW' else 'SEQUENCED' end, s.first + r.o - 1"
			+ " from unnest(?::varchar[], ?::varchar[], ?::text[], ?::bigint[]) with ordinality as r(k, e, p, c, o)"
			+ " left join s on true order by r.o returning idempotency_key, seq";

	/**
	 * Parameters: user id, idempotency key, event, payload, created_at, status, seq (null
	 * for a new row); updates 0 rows for a pending key.
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
	 * Insert one user's rows of a group commit in one statement, each unless its
	 * idempotency key is pending, numbering them if asked, returning the keys and seqs
	 * inserted (null for a new row); or {@code null} for a JDBC batch. Parameters: row
	 * count, user id, whether to number, row count, user id, arrays of keys, events,
	 * payloads, created_at.
	 */
	final @Nullable String insertAll;

	/**
	 * {@link #insertAll} without skipping a pending key: the statement fails whole on
	 * one, so it may commit by itself (no seq is ever given to a row not inserted), or
	 * {@code null}.
	 */
	final @Nullable String insertAllUnique;

	/**
	 * Number rows in one statement, or {@code null} for a JDBC batch of one update per
	 * row. Parameters: the first seq, the ids in seq order as an array, the same array
	 * again.
	 */
	final @Nullable String numberAll;

	/**
	 * Delete acked rows and raise the bound of acks in one statement that also locks and
	 * checks the lease, or {@code null} for a lock, then a delete. Parameters: owner,
	 * epoch, user id, user id, ack seq, sent seq, user id, sent seq; one row (owner,
	 * epoch, rows deleted), or none for an unknown user.
	 */
	final @Nullable String fencedDeleteAcked;

	/**
	 * Claim numbered rows and raise the bound of acks in one statement, or {@code null}
	 * for several. Parameters: owner, epoch, user id, user id, after seq, limit, user id,
	 * user id; rows of a kind ({@code S}: a numbered row, in seq order; {@code N}: a new
	 * row waits; {@code L}: this instance does not hold the lease) and a row's columns.
	 */
	final @Nullable String claimSequenced;

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
			@Nullable String insertAllUnique, @Nullable String numberAll, @Nullable String fencedDeleteAcked,
			@Nullable String claimSequenced, @Nullable String deadRows, @Nullable String vacuum) {
		this.insertIfAbsent = insertIfAbsent;
		this.nowMillis = nowMillis;
		this.asyncCommit = asyncCommit;
		this.insertAll = insertAll;
		this.insertAllUnique = insertAllUnique;
		this.numberAll = numberAll;
		this.fencedDeleteAcked = fencedDeleteAcked;
		this.claimSequenced = claimSequenced;
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

package dev.realtime.outbox;

import java.sql.DatabaseMetaData;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * The SQL that differs between the databases the library's migrations support: inserting an
 * event unless its idempotency key is already pending, the next row id, and the database's
 * clock (leases are timed by it, so the hosts' clocks may disagree).
 */
enum OutboxDialect {

	POSTGRESQL("insert into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status)"
			+ " values (nextval('realtime_outbox_id_seq'), ?, ?, ?, ?, ?, 'NEW')"
			+ " on conflict (user_id, idempotency_key) do nothing",
			"cast(extract(epoch from clock_timestamp()) * 1000 as bigint)", "set local synchronous_commit to off"),

	// INSERT IGNORE also turns other errors into warnings; the values are validated before
	MARIADB("insert ignore into realtime_outbox (id, user_id, idempotency_key, event, payload, created_at, status)"
			+ " values (next value for realtime_outbox_id_seq, ?, ?, ?, ?, ?, 'NEW')",
			"cast(unix_timestamp(now(3)) * 1000 as signed)", null),

	H2("merge into realtime_outbox t using (select cast(? as varchar(128)) u, cast(? as varchar(255)) k,"
			+ " cast(? as varchar(255)) e, cast(? as clob) p, cast(? as bigint) c) s"
			+ " on t.user_id = s.u and t.idempotency_key = s.k when not matched then insert"
			+ " (id, user_id, idempotency_key, event, payload, created_at, status)"
			+ " values (next value for realtime_outbox_id_seq, s.u, s.k, s.e, s.p, s.c, 'NEW')",
			"cast(extract(epoch from current_timestamp) * 1000 as bigint)", null);

	/** Parameters: user id, idempotency key, event, payload, created_at; updates 0 rows for a pending key. */
	final String insertIfAbsent;

	/** An expression of the database's current time in epoch milliseconds. */
	final String nowMillis;

	/**
	 * A statement that lets the current transaction commit without waiting for its flush to
	 * disk, if the database has one. Only for deletes of acked rows: one lost in a crash is
	 * resent and deduplicated by the hub, and the relay is not held up by a flush per ack.
	 */
	final @Nullable String asyncCommit;

	OutboxDialect(String insertIfAbsent, String nowMillis, @Nullable String asyncCommit) {
		this.insertIfAbsent = insertIfAbsent;
		this.nowMillis = nowMillis;
		this.asyncCommit = asyncCommit;
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

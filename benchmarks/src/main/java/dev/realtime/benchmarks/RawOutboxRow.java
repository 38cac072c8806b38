package dev.realtime.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Single-row commits of a row shaped as the outbox's (a user's seq counter advanced in
 * the same statement, the unique idempotency key and the relay's index), one at a time:
 * what the row a durable send must write costs, committed on the sender's thread or
 * handed to a committer thread the sender waits for.
 */
final class RawOutboxRow {

	private static final String INSERT = "with s as (update raw_seq set next_seq = next_seq + 1"
			+ " where user_id = 'bench' returning next_seq - 1 as seq)"
			+ " insert into raw_shaped (user_id, idempotency_key, event, payload, created_at, status, seq)"
			+ " select 'bench', ?, ?, ?, ?, 'SEQUENCED', s.seq from s";

	private final Database database;

	private final Windows windows;

	RawOutboxRow(Database database, Windows windows) {
		this.database = database;
		this.windows = windows;
	}

	/**
	 * Commit each row on the sending thread (autocommit inserts, one connection).
	 * @return commits per second
	 */
	Figure direct() {
		return measure((insert) -> new Load("raw-shaped", 1, (thread) -> insert.run()));
	}

	/**
	 * Hand each row to a committer thread and wait for its commit, as a sender does with
	 * a group commit when it is the only sender: the commit of {@link #direct()} plus the
	 * two hand-offs between threads.
	 * @return commits per second
	 */
	Figure handedOff() {
		BlockingQueue<CompletableFuture<Void>> handed = new LinkedBlockingQueue<>();
		return measure((insert) -> {
			Load committer = new Load("raw-shaped-committer", 1, (thread) -> {
				CompletableFuture<Void> commit = handed.poll(100, TimeUnit.MILLISECONDS);
				if (commit != null) {
					insert.run();
					commit.complete(null);
				}
			});
			Load sender = new Load("raw-shaped-sender", 1, (thread) -> {
				CompletableFuture<Void> commit = new CompletableFuture<>();
				handed.add(commit);
				commit.get(30, TimeUnit.SECONDS);
			});
			// the sender stops first, while the committer still commits its last row
			return () -> {
				try {
					sender.close();
				}
				finally {
					committer.close();
				}
			};
		});
	}

	private Figure measure(Starting start) {
		String schema = this.database.createSchema("shaped");
		try {
			this.database.execute(schema,
					"create table raw_seq (user_id varchar(128) primary key, next_seq bigint not null)",
					"insert into raw_seq values ('bench', 1)",
					"create table raw_shaped (id bigserial primary key, user_id varchar(128) not null,"
							+ " idempotency_key varchar(255) not null, event varchar(255) not null,"
							+ " payload text not null, created_at bigint not null, seq bigint,"
							+ " status varchar(16) not null, unique (user_id, idempotency_key))",
					"create index raw_shaped_relay_ix on raw_shaped (user_id, status, seq, id)");
			AtomicLong committed = new AtomicLong();
			try (Connection connection = this.database.connect(schema);
					PreparedStatement insert = connection.prepareStatement(INSERT)) {
				Figure figure;
				try (AutoCloseable load = start.load(() -> {
					insert.setString(1, BenchHub.KEY_PREFIX + committed.get());
					insert.setString(2, Frames.EVENT);
					insert.setString(3, Frames.PAYLOAD);
					insert.setLong(4, System.currentTimeMillis());
					insert.executeUpdate();
					committed.incrementAndGet();
				})) {
					figure = this.windows.throughput(committed::get);
				}
				long rows = this.database.queryLong(schema, "select count(*) from raw_shaped");
				return figure.counted(Math.max(0, committed.get() - rows), Math.max(0, rows - committed.get()));
			}
		}
		catch (RuntimeException ex) {
			throw ex;
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
		finally {
			this.database.dropSchema(schema);
		}
	}

	/**
	 * Starts the threads that insert rows, stopped when closed.
	 */
	@FunctionalInterface
	private interface Starting {

		AutoCloseable load(Insert insert);

	}

	/**
	 * Inserts and commits one row.
	 */
	@FunctionalInterface
	private interface Insert {

		void run() throws SQLException;

	}

}

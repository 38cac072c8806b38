package dev.realtime.outbox;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Keeps the outbox table lean where nothing else does. Every acked event leaves two dead
 * row versions (its numbering and its delete); with PostgreSQL's autovacuum off or
 * behind, they pile up in the heap and in every index, and the relay's updates and the
 * senders' inserts slow down (measured: a sustained run fell from 3,400 to 1,600 events/s
 * within four minutes, at 1.1 million dead versions). After every {@value #CHECK_EVERY}
 * deleted rows this reads the table's dead-row count and, above {@value #THRESHOLD}, runs
 * {@code VACUUM} on it, on a thread of its own. With autovacuum working the count stays
 * below the threshold and nothing happens. On databases without the statements it does
 * nothing. Stopping cancels a running {@code VACUUM}, so the application's shutdown
 * neither waits for it nor closes its connection under it.
 */
final class OutboxVacuum {

	private static final Log logger = LogFactory.getLog(OutboxVacuum.class);

	/** Deleted rows between two looks at the dead-row count. */
	static final long CHECK_EVERY = 20_000;

	/** Dead row versions above which the table is vacuumed. */
	static final long THRESHOLD = 100_000;

	/** How long stopping waits for a cancelled {@code VACUUM} to end. */
	private static final long STOP_WAIT_SECONDS = 5;

	private final JdbcTemplate jdbc;

	private final OutboxDialect dialect;

	private final ExecutorService executor = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "realtime-outbox-vacuum");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicLong deletedSinceCheck = new AtomicLong();

	private final AtomicBoolean running = new AtomicBoolean();

	private volatile boolean disabled;

	private volatile boolean stopping;

	/** The statement running {@code VACUUM}, while it runs. */
	private volatile @Nullable Statement vacuuming;

	OutboxVacuum(DataSource dataSource, OutboxDialect dialect) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.dialect = dialect;
		this.disabled = dialect.deadRows == null;
	}

	/**
	 * Count rows deleted from the outbox, and look at the table once enough were.
	 * @param rows how many rows a delete removed
	 */
	void deleted(long rows) {
		if (this.disabled || rows <= 0 || this.deletedSinceCheck.addAndGet(rows) < CHECK_EVERY) {
			return;
		}
		if (this.running.compareAndSet(false, true)) {
			this.deletedSinceCheck.set(0);
			try {
				this.executor.execute(this::vacuumIfBloated);
			}
			catch (RejectedExecutionException ex) {
				this.running.set(false);
			}
		}
	}

	/**
	 * Vacuum the table now if it holds more dead row versions than the threshold.
	 * @return whether it vacuumed
	 */
	boolean vacuumIfBloated() {
		try {
			String deadRows = this.dialect.deadRows;
			String vacuum = this.dialect.vacuum;
			if (this.disabled || deadRows == null || vacuum == null) {
				return false;
			}
			Long dead = this.jdbc.queryForObject(deadRows, Long.class);
			if (dead == null || dead < THRESHOLD) {
				return false;
			}
			long start = System.nanoTime();
			Boolean ran = this.jdbc.execute((Statement statement) -> {
				this.vacuuming = statement;
				try {
					if (this.stopping) {
						return false;
					}
					statement.execute(vacuum);
					return true;
				}
				finally {
					this.vacuuming = null;
				}
			});
			if (!Boolean.TRUE.equals(ran)) {
				return false;
			}
			logger.debug("Vacuumed realtime_outbox (" + dead + " dead row versions) in "
					+ (System.nanoTime() - start) / 1_000_000 + " ms");
			return true;
		}
		catch (DataAccessException ex) {
			if (this.stopping) {
				logger.debug("Vacuum of realtime_outbox cancelled: the application is stopping");
				return false;
			}
			// for example a user that does not own the table: autovacuum has to do it
			this.disabled = true;
			logger.warn("Could not vacuum realtime_outbox, and will not try again: " + ex.getMessage());
			return false;
		}
		finally {
			this.running.set(false);
		}
	}

	/**
	 * Stop looking at the table: cancel a running {@code VACUUM} and wait a little for
	 * its thread to give its connection back.
	 */
	void stop() {
		this.stopping = true;
		this.executor.shutdown();
		Statement statement = this.vacuuming;
		if (statement != null) {
			try {
				statement.cancel();
			}
			catch (SQLException ex) {
				logger.debug("Could not cancel the vacuum of realtime_outbox", ex);
			}
		}
		try {
			if (!this.executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
				logger.warn("The vacuum of realtime_outbox did not end within " + STOP_WAIT_SECONDS
						+ " s of its cancel; its connection may be closed under it");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package dev.realtime.outbox;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.spi.OutboundQueueFactory;

/**
 * Creates {@link JdbcOutboundQueue database outbound queues}, one per user, all holding
 * leases under this instance's owner id and sharing one group-commit writer.
 */
public class JdbcOutboundQueueFactory implements OutboundQueueFactory, DisposableBean {

	/** The most events the group commits keep in memory for the relays. */
	private static final int HAND_OFF_EVENTS = 16_384;

	private final DataSource dataSource;

	private final ObjectMapper mapper;

	private final long maxSize;

	private final Duration leaseDuration;

	private final Duration writeTimeout;

	private final String owner;

	private final Clock clock;

	private final Map<String, JdbcOutboundQueue> queues = new ConcurrentHashMap<>();

	private final Map<String, RelayLease> leases = new ConcurrentHashMap<>();

	/**
	 * How many events the group commits of all users may keep in memory for their relays
	 * (beyond it, the relays read them back from the database).
	 */
	private final WrittenRows.Budget handOff = new WrittenRows.Budget(HAND_OFF_EVENTS);

	private volatile @Nullable Parts parts;

	/**
	 * Create a factory.
	 * @param dataSource the database that holds the outbox tables
	 * @param mapper converts payloads to and from their stored JSON text
	 * @param maxSize how many pending events a user's queue may hold
	 * @param leaseDuration how long a user's lease lasts without renewal
	 * @param writeTimeout how long {@code sendEvent} outside a transaction waits for its
	 * commit
	 * @param owner names this instance of the application in leases, unique among
	 * instances
	 * @param clock the clock of dead-letter times
	 */
	public JdbcOutboundQueueFactory(DataSource dataSource, ObjectMapper mapper, long maxSize, Duration leaseDuration,
			Duration writeTimeout, String owner, Clock clock) {
		this.dataSource = dataSource;
		this.mapper = mapper;
		this.maxSize = maxSize;
		this.leaseDuration = leaseDuration;
		this.writeTimeout = writeTimeout;
		this.owner = owner;
		this.clock = clock;
	}

	@Override
	public JdbcOutboundQueue create(String userId) {
		return this.queues.computeIfAbsent(userId, (id) -> {
			Parts shared = parts();
			UserRows rows = new UserRows(id, shared.repository, shared.transaction);
			return new JdbcOutboundQueue(rows, shared.writer, shared.vacuum, this.dataSource, this.clock, this.maxSize,
					lease(id), this.handOff);
		});
	}

	/**
	 * Return this instance's lease of a user, shared by the user's queue and the
	 * {@link JdbcUserAssignments}.
	 * @param userId the user
	 * @return the lease
	 */
	RelayLease lease(String userId) {
		return this.leases.computeIfAbsent(userId,
				(id) -> new RelayLease(id, this.owner, this.leaseDuration.toMillis(), repository(), transaction()));
	}

	/**
	 * Return the id that names this instance in leases.
	 * @return the owner id
	 */
	String owner() {
		return this.owner;
	}

	Duration leaseDuration() {
		return this.leaseDuration;
	}

	/**
	 * Return the queue of a user if this factory created one.
	 * @param userId the user
	 * @return the queue, or {@code null}
	 */
	@Nullable JdbcOutboundQueue existing(String userId) {
		return this.queues.get(userId);
	}

	/**
	 * The repository and writer, made on first use: the dialect needs a connection, which
	 * the application context should not need just to create this bean.
	 * @return the shared parts
	 */
	private Parts parts() {
		Parts shared = this.parts;
		if (shared == null) {
			synchronized (this) {
				shared = this.parts;
				if (shared == null) {
					OutboxDialect dialect = dialect();
					OutboxRepository repository = new OutboxRepository(this.dataSource, dialect);
					// the relay's own short transactions; the caller's are joined through
					// the DataSource
					DataSourceTransactionManager transactionManager = new DataSourceTransactionManager(this.dataSource);
					shared = new Parts(dialect, repository, new OutboxWriter(repository, this.writeTimeout),
							new OutboxVacuum(this.dataSource, dialect), new TransactionTemplate(transactionManager));
					this.parts = shared;
				}
			}
		}
		return shared;
	}

	private OutboxDialect dialect() {
		try (Connection connection = this.dataSource.getConnection()) {
			return OutboxDialect.of(connection.getMetaData());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Could not read which database holds the realtime outbox", ex);
		}
	}

	OutboxDialect outboxDialect() {
		return parts().dialect;
	}

	DataSource dataSource() {
		return this.dataSource;
	}

	OutboxRepository repository() {
		return parts().repository;
	}

	TransactionTemplate transaction() {
		return parts().transaction;
	}

	OutboxVacuum vacuum() {
		return parts().vacuum;
	}

	ObjectMapper mapper() {
		return this.mapper;
	}

	/**
	 * Let the queue of a user, if this factory created one, recount what changed
	 * elsewhere, and wake its relay when dead letters were made pending again.
	 * @param userId the user whose outbox rows changed
	 * @param revived whether dead letters were made pending again
	 */
	void changed(String userId, boolean revived) {
		JdbcOutboundQueue queue = this.queues.get(userId);
		if (queue != null) {
			queue.recount();
			if (revived) {
				queue.freshRows();
			}
		}
	}

	@Override
	public void destroy() {
		Parts shared = this.parts;
		if (shared != null) {
			shared.writer.stop();
			shared.vacuum.stop();
		}
	}

	private record Parts(OutboxDialect dialect, OutboxRepository repository, OutboxWriter writer, OutboxVacuum vacuum,
			TransactionTemplate transaction) {
	}

}

package dev.realtime.inbox;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.InboundStoreFactory;

/**
 * Creates {@link JdbcInboundStore JDBC inbound stores}, decorated with
 * {@link TransactionalInboundStore} when listeners should run in the delivery
 * transaction.
 */
public class JdbcInboundStoreFactory implements InboundStoreFactory {

	private final InboxRepository repository;

	private final TransactionOperations transactions;

	private final ObjectMapper mapper;

	private final boolean transactionalDelivery;

	private final Clock clock;

	private final Map<String, JdbcInboundStore> stores = new ConcurrentHashMap<>();

	/**
	 * Create a factory.
	 * @param dataSource the database that holds the inbox tables
	 * @param transactions runs the stores' work in transactions of that database
	 * @param mapper converts payloads to and from their stored JSON text
	 * @param transactionalDelivery whether listeners run in the transaction that removes
	 * the event
	 * @param clock the clock for receive and sync times
	 */
	public JdbcInboundStoreFactory(DataSource dataSource, TransactionOperations transactions, ObjectMapper mapper,
			boolean transactionalDelivery, Clock clock) {
		this.repository = new InboxRepository(dataSource);
		this.transactions = transactions;
		this.mapper = mapper;
		this.transactionalDelivery = transactionalDelivery;
		this.clock = clock;
	}

	@Override
	public InboundStore create(String userId) {
		InboundStore store = this.stores.computeIfAbsent(userId,
				(id) -> new JdbcInboundStore(id, this.repository, this.transactions, this.mapper, this.clock));
		return this.transactionalDelivery ? new TransactionalInboundStore(store, this.transactions) : store;
	}

	/**
	 * Tell the store of a user, if this factory created one, that parked events were
	 * returned for another attempt (see {@link FailedInboundEvents}), so its client
	 * delivers them.
	 * @param userId the user
	 */
	public void requeued(String userId) {
		JdbcInboundStore store = this.stores.get(userId);
		if (store != null) {
			store.requeued();
		}
	}

}

package dev.realtime.inbox;

import java.time.Clock;

import jakarta.persistence.EntityManager;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.InboundStore;
import dev.realtime.client.InboundStoreFactory;

import org.springframework.transaction.support.TransactionOperations;

/**
 * Creates {@link JpaInboundStore JPA inbound stores}, decorated with
 * {@link TransactionalInboundStore} when listeners should run in the delivery transaction.
 */
public class JpaInboundStoreFactory implements InboundStoreFactory {

	private final InboxRepository repository;

	private final TransactionOperations transactions;

	private final ObjectMapper mapper;

	private final boolean transactionalDelivery;

	private final Clock clock;

	/**
	 * Create a factory.
	 * @param entityManager a shared, transaction-bound entity manager of the persistence unit
	 * that holds the inbox entities
	 * @param transactions runs the stores' work in transactions of that persistence unit
	 * @param mapper converts payloads to and from their stored JSON text
	 * @param transactionalDelivery whether listeners run in the transaction that removes the
	 * event
	 * @param clock the clock for receive and sync times
	 */
	public JpaInboundStoreFactory(EntityManager entityManager, TransactionOperations transactions, ObjectMapper mapper,
			boolean transactionalDelivery, Clock clock) {
		this.repository = new InboxRepository(entityManager);
		this.transactions = transactions;
		this.mapper = mapper;
		this.transactionalDelivery = transactionalDelivery;
		this.clock = clock;
	}

	@Override
	public InboundStore create(String userId) {
		InboundStore store = new JpaInboundStore(userId, this.repository, this.transactions, this.mapper, this.clock);
		return this.transactionalDelivery ? new TransactionalInboundStore(store, this.transactions) : store;
	}

}

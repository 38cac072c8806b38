package dev.realtime.outbox;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.persistence.EntityManagerFactory;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.OutboundQueueFactory;

import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Creates {@link JpaOutboundQueue JPA outbound queues}, one per user, all leasing rows under
 * this instance's owner id.
 */
public class JpaOutboundQueueFactory implements OutboundQueueFactory {

	private final OutboxRepository repository;

	private final ObjectMapper mapper;

	private final PlatformTransactionManager transactionManager;

	private final Clock clock;

	private final long maxSize;

	private final Duration leaseDuration;

	private final String owner;

	private final Map<String, JpaOutboundQueue> queues = new ConcurrentHashMap<>();

	/**
	 * Create a factory.
	 * @param entityManagerFactory the persistence unit that holds the outbox entities
	 * @param transactionManager the transaction manager of that persistence unit
	 * @param mapper converts payloads to and from their stored JSON text
	 * @param maxSize how many pending events a user's queue may hold
	 * @param leaseDuration how long a claim and the relay lease last without renewal
	 * @param owner names this instance of the application in leases, unique among instances
	 * @param clock the clock of leases and dead-letter times
	 */
	public JpaOutboundQueueFactory(EntityManagerFactory entityManagerFactory,
			PlatformTransactionManager transactionManager, ObjectMapper mapper, long maxSize, Duration leaseDuration,
			String owner, Clock clock) {
		this.repository = new OutboxRepository(SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory));
		this.transactionManager = transactionManager;
		this.mapper = mapper;
		this.maxSize = maxSize;
		this.leaseDuration = leaseDuration;
		this.owner = owner;
		this.clock = clock;
	}

	@Override
	public JpaOutboundQueue create(String userId) {
		return this.queues.computeIfAbsent(userId, (id) -> new JpaOutboundQueue(id, this.repository, this.mapper,
				this.transactionManager, this.clock, this.maxSize, this.leaseDuration, this.owner));
	}

	OutboxRepository repository() {
		return this.repository;
	}

	PlatformTransactionManager transactionManager() {
		return this.transactionManager;
	}

	ObjectMapper mapper() {
		return this.mapper;
	}

	/**
	 * Let the queue of a user, if this factory created one, recount what changed elsewhere.
	 */
	void changed(String userId) {
		JpaOutboundQueue queue = this.queues.get(userId);
		if (queue != null) {
			queue.recount();
		}
	}

}

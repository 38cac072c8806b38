package dev.realtime.outbox;

import java.time.Instant;
import java.util.List;

import tools.jackson.databind.ObjectMapper;

import org.springframework.transaction.support.TransactionTemplate;

/**
 * The dead letters of the JPA outbox, by user: list them, send one again, or delete it.
 */
public class OutboxDeadLetters {

	private final JpaOutboundQueueFactory queues;

	private final OutboxRepository repository;

	private final ObjectMapper mapper;

	private final TransactionTemplate transaction;

	/**
	 * Create the service.
	 * @param queues the factory whose outbox this reads
	 */
	public OutboxDeadLetters(JpaOutboundQueueFactory queues) {
		this.queues = queues;
		this.repository = queues.repository();
		this.mapper = queues.mapper();
		this.transaction = new TransactionTemplate(queues.transactionManager());
	}

	/**
	 * Return a page of a user's dead letters, oldest first.
	 * @param userId the user
	 * @param page the page number, from 0
	 * @param size the page size
	 * @return the dead letters of that page
	 */
	public List<OutboxDeadLetter> list(String userId, int page, int size) {
		if (page < 0 || size <= 0) {
			throw new IllegalArgumentException("page must be >= 0 and size > 0");
		}
		List<OutboxEntryEntity> rows = this.transaction
			.execute((status) -> this.repository.findDead(userId, Math.multiplyExact(page, size), size));
		return (rows != null) ? rows.stream().map(this::toDeadLetter).toList() : List.of();
	}

	/**
	 * Return how many dead letters a user has.
	 * @param userId the user
	 * @return the count
	 */
	public long count(String userId) {
		Long count = this.transaction.execute((status) -> this.repository.count(userId, OutboxStatus.DEAD));
		return (count != null) ? count : 0;
	}

	/**
	 * Make a dead letter pending again. It keeps its idempotency key and is sent with a new
	 * seq (the hub counted the old one) when the relay next claims events.
	 * @param userId the user
	 * @param id the dead letter's id
	 * @return whether there was such a dead letter
	 */
	public boolean retry(String userId, long id) {
		return changed(userId, this.transaction.execute((status) -> this.repository.revive(userId, id)));
	}

	/**
	 * Delete a dead letter for good.
	 * @param userId the user
	 * @param id the dead letter's id
	 * @return whether there was such a dead letter
	 */
	public boolean delete(String userId, long id) {
		return changed(userId, this.transaction.execute((status) -> this.repository.deleteDead(userId, id)));
	}

	private boolean changed(String userId, Integer rows) {
		if (rows == null || rows == 0) {
			return false;
		}
		this.queues.changed(userId);
		return true;
	}

	private OutboxDeadLetter toDeadLetter(OutboxEntryEntity row) {
		Long deadAt = row.getDeadAt();
		return new OutboxDeadLetter(row.getId(), row.getIdempotencyKey(), row.getEvent(),
				this.mapper.readTree(row.getPayload()), row.getCreatedAt(),
				row.getSeq(), row.getAttempts(), row.getErrorCode(), row.getLastError(),
				(deadAt != null) ? Instant.ofEpochMilli(deadAt) : null);
	}

}

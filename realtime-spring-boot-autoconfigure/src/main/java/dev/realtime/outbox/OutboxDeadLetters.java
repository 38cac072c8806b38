package dev.realtime.outbox;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/**
 * The dead letters of the database outbox, by user: list them, send one again, or delete
 * it. A retried dead letter wakes the relay of the user's client in this application, if
 * it has one; elsewhere the relay's next poll picks it up.
 */
public class OutboxDeadLetters {

	private final JdbcOutboundQueueFactory queues;

	/**
	 * Create the service.
	 * @param queues the factory whose outbox this reads
	 */
	public OutboxDeadLetters(JdbcOutboundQueueFactory queues) {
		this.queues = queues;
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
		List<DeadRow> rows = transaction()
			.execute((status) -> this.queues.repository().findDead(userId, Math.multiplyExact(page, size), size));
		return (rows != null) ? rows.stream().map(this::toDeadLetter).toList() : List.of();
	}

	/**
	 * Return how many dead letters a user has.
	 * @param userId the user
	 * @return the count
	 */
	public long count(String userId) {
		Long count = transaction().execute((status) -> this.queues.repository().count(userId, "DEAD"));
		return (count != null) ? count : 0;
	}

	/**
	 * Make a dead letter pending again. It keeps its idempotency key and is sent as a new
	 * event, after everything sent before the retry, with the next seq of the stream (the
	 * hub counted the old one).
	 * @param userId the user
	 * @param id the dead letter's id
	 * @return whether there was such a dead letter
	 */
	public boolean retry(String userId, long id) {
		return changed(userId, transaction().execute((status) -> this.queues.repository().revive(userId, id)), true);
	}

	/**
	 * Delete a dead letter for good.
	 * @param userId the user
	 * @param id the dead letter's id
	 * @return whether there was such a dead letter
	 */
	public boolean delete(String userId, long id) {
		return changed(userId, transaction().execute((status) -> this.queues.repository().deleteDead(userId, id)),
				false);
	}

	private TransactionTemplate transaction() {
		return this.queues.transaction();
	}

	private boolean changed(String userId, @Nullable Integer rows, boolean revived) {
		if (rows == null || rows == 0) {
			return false;
		}
		this.queues.changed(userId, revived);
		return true;
	}

	private OutboxDeadLetter toDeadLetter(DeadRow dead) {
		OutboxRow row = dead.row();
		ObjectMapper mapper = this.queues.mapper();
		Long deadAt = dead.deadAt();
		return new OutboxDeadLetter(row.id(), row.key(), row.event(), mapper.readTree(row.payload()),
				OutboxRepository.instant(row.createdAtMicros()), row.seq(), dead.errorCode(), dead.lastError(),
				(deadAt != null) ? Instant.ofEpochMilli(deadAt) : null);
	}

}

package dev.realtime.autoconfigure;

import java.util.List;

/**
 * Outbound dead letters of a durable outbox, as the {@code realtime} actuator endpoint lists,
 * retries and deletes them. Implemented over the outbox's own dead-letter API; without a bean
 * of this type the endpoint shows the dead-letter count only.
 */
public interface DeadLetterOperations {

	/**
	 * Return a user's dead letters in seq order.
	 * @param userId the user
	 * @param max the most dead letters to return
	 * @return the dead letters, each rendered as JSON by the endpoint
	 */
	List<?> list(String userId, int max);

	/**
	 * Return a dead letter to the outbox, to be sent again with its seq and idempotency key.
	 * @param userId the user
	 * @param seq the event's seq
	 * @return whether a dead letter with that seq existed
	 */
	boolean retry(String userId, long seq);

	/**
	 * Delete a dead letter for good.
	 * @param userId the user
	 * @param seq the event's seq
	 * @return whether a dead letter with that seq existed
	 */
	boolean delete(String userId, long seq);

}

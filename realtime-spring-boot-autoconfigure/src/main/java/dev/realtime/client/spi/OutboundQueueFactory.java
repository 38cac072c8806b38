package dev.realtime.client.spi;

/**
 * Creates the outbound queue of a user. The auto-configuration provides an in-memory one,
 * or the JDBC outbox when the application has a database.
 */
@FunctionalInterface
public interface OutboundQueueFactory {

	/**
	 * Return the outbound queue of a user, which also owns the user's durable
	 * {@code client_id} and outbound seq counter.
	 * @param userId the user
	 * @return the queue
	 */
	OutboundQueue create(String userId);

}

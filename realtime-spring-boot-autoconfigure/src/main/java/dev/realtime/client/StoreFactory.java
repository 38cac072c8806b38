package dev.realtime.client;

/**
 * Creates the per-user stores a client keeps its state in. The in-memory factory is used when
 * the application has no database; the JPA factory keeps everything in the application's
 * database, keyed by user.
 */
public interface StoreFactory {

	/**
	 * Return the outbound queue of a user, which also owns the user's durable
	 * {@code client_id} and outbound seq counter.
	 * @param userId the user
	 * @return the queue
	 */
	OutboundQueue outbound(String userId);

	/**
	 * Return the inbound store of a user.
	 * @param userId the user
	 * @return the store
	 */
	InboundStore inbound(String userId);

}

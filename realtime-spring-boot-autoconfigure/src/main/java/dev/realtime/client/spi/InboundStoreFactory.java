package dev.realtime.client.spi;

/**
 * Creates the inbound store of a user. The auto-configuration provides an in-memory one,
 * or the JDBC inbox when the application has a database.
 */
@FunctionalInterface
public interface InboundStoreFactory {

	/**
	 * Return the inbound store of a user.
	 * @param userId the user
	 * @return the store
	 */
	InboundStore create(String userId);

}

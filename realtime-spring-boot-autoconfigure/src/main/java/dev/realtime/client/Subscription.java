package dev.realtime.client;

/**
 * Returned when a listener is registered; closing it removes the listener.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

	@Override
	void close();

}

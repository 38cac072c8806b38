package dev.realtime.client;

import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A reliable realtime client for one user: a WebSocket connection to a hub that speaks
 * protocol version 1, an outbound queue that resends until acked, and an inbound stream
 * that is deduplicated and resumed after every reconnect.
 */
public interface RealtimeClient {

	/**
	 * Return the user this client acts for.
	 * @return the user id
	 */
	String userId();

	/**
	 * Return the durable {@code client_id} naming this client's outbound stream.
	 * @return the client id
	 */
	String clientId();

	/**
	 * Start connecting (asynchronously). Does nothing if already connected or connecting;
	 * leaves {@link ConnectionState#FAILED} for a fresh attempt.
	 */
	void connect();

	/**
	 * Close the connection and stay disconnected, keeping the outbox and inbound store.
	 */
	void disconnect();

	/**
	 * Close the connection and stay disconnected.
	 * @param flushPersistence whether to delete this user's local outbox, inbound store
	 * and resume cursor as well (other users' data is untouched)
	 */
	void disconnect(boolean flushPersistence);

	/**
	 * Return the current connection state.
	 * @return the state
	 */
	ConnectionState connectionState();

	/**
	 * Send an application event with the client's default delivery strategy.
	 * @param event the event name, for example {@code chat.message}
	 * @param payload a JSON-mappable payload, or {@code null} for an empty object
	 * @return the handle, once the client has accepted the event
	 * @throws OutboundQueueFullException if the outbound queue is full
	 * @throws IllegalArgumentException if the event name is blank or the payload cannot
	 * be converted to JSON
	 */
	SendHandle sendEvent(String event, @Nullable Object payload);

	/**
	 * Send an application event.
	 * @param event the event name
	 * @param payload a JSON-mappable payload, or {@code null} for an empty object
	 * @param options the delivery strategy and idempotency key
	 * @return the handle, once the client has accepted the event
	 * @throws OutboundQueueFullException if the outbound queue is full
	 * @throws IllegalArgumentException if the event name is blank or the payload cannot
	 * be converted to JSON
	 */
	SendHandle sendEvent(String event, @Nullable Object payload, SendOptions options);

	/**
	 * Return the number of outbound events waiting for an ack (not counting dead
	 * letters).
	 * @return the pending count
	 */
	long pendingCount();

	/**
	 * Register a listener for connection state changes.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onConnectionStateChange(Consumer<ConnectionStateChange> listener);

	/**
	 * Register a listener for inbound events, called once per event in stream order. A
	 * listener that throws makes the event be retried and eventually parked as failed.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onMessage(Consumer<InboundMessage> listener);

	/**
	 * Register a listener for acks of outbound events.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onAck(Consumer<Acknowledgement> listener);

}

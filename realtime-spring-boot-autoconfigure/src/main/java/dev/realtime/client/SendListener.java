package dev.realtime.client;

/**
 * Told about every event a client accepted from {@code sendEvent}, on the sender's
 * thread, for example to follow each event to its ack in a trace. A listener that asks
 * for the handle's future makes the client hold it, and what is attached to it, until the
 * event is acked or rejected.
 */
@FunctionalInterface
public interface SendListener {

	/**
	 * Called once the client has accepted an event; the handle completes when the event
	 * is acked or given up on.
	 * @param message the event
	 * @param handle the handle returned to the sender
	 */
	void accepted(OutboundMessage message, SendHandle handle);

}

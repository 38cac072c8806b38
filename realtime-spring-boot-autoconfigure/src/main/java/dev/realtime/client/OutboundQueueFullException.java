package dev.realtime.client;

/**
 * Thrown by {@code sendEvent} when the outbound queue holds its maximum number of events.
 * Nothing of the rejected event was written.
 */
public class OutboundQueueFullException extends RuntimeException {

	public OutboundQueueFullException(long pending, long maxSize) {
		super("Outbound queue is full: " + pending + " events pending, limit is " + maxSize
				+ " (realtime.outbox.max-size); the hub may be unreachable or too slow");
	}

}

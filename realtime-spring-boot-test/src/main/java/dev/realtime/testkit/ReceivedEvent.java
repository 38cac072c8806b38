package dev.realtime.testkit;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An outbound event the hub accepted (and stored once), with how often it arrived.
 *
 * @param userId the sending user
 * @param clientId the sending client's {@code client_id}
 * @param seq the client's outbound seq
 * @param idempotencyKey the event's idempotency key, if it had one
 * @param event the event name
 * @param payload the payload as the hub stored it
 * @param timesSent how often the event arrived at the hub since the last reset: more than
 * once when the client resent it (after a drop, a lost ack, a token expiry)
 */
public record ReceivedEvent(String userId, String clientId, long seq, @Nullable String idempotencyKey, String event,
		JsonNode payload, int timesSent) {

	/**
	 * Return how often the event was sent again after its first arrival.
	 * @return the resends, 0 for an event that arrived once
	 */
	public int resends() {
		return Math.max(0, this.timesSent - 1);
	}

}

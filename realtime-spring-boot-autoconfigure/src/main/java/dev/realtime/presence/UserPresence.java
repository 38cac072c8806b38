package dev.realtime.presence;

import java.time.Instant;
import java.util.Map;

import dev.realtime.protocol.PresenceStatus;

/**
 * The last known presence of a user.
 *
 * @param userId the user
 * @param status the status
 * @param metadata what the user attached to the status (for example a status text), never
 * {@code null}
 * @param lastChanged when the status was last set, by the hub's clock when it said so
 */
public record UserPresence(String userId, PresenceStatus status, Map<String, Object> metadata, Instant lastChanged) {

	/**
	 * Return whether the user is connected (any status but
	 * {@link PresenceStatus#OFFLINE}).
	 * @return whether the user is online
	 */
	public boolean isOnline() {
		return this.status != PresenceStatus.OFFLINE;
	}

}

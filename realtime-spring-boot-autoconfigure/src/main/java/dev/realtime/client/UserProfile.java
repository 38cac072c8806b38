package dev.realtime.client;

import java.util.Map;

/**
 * A user the application connects: the user's id and custom fields.
 *
 * @param userId the user's id
 * @param custom the user's custom fields
 */
public record UserProfile(String userId, Map<String, Object> custom) {

	public UserProfile {
		custom = Map.copyOf(custom);
	}

}

package dev.realtime.client;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Placeholder of the users branch's profile (id, custom fields; privacy left out) until
 * that branch is merged: only what the user assignments need.
 *
 * @param id the user id
 * @param customFields the custom fields
 */
public record UserProfile(String id, Map<String, Object> customFields) {

	public UserProfile {
		customFields = new LinkedHashMap<>(customFields);
	}

	/**
	 * Return a profile with no custom fields.
	 * @param id the user id
	 * @return the profile
	 */
	public static UserProfile of(String id) {
		return new UserProfile(id, Map.of());
	}

	/**
	 * Return a copy with other custom fields.
	 * @param customFields the custom fields
	 * @return the copy
	 */
	public UserProfile withCustomFields(Map<String, ?> customFields) {
		return new UserProfile(this.id, new LinkedHashMap<>(customFields));
	}

}

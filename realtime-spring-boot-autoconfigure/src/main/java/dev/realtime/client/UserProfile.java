package dev.realtime.client;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.realtime.protocol.PrivacySettings;
import dev.realtime.protocol.UserIds;
import dev.realtime.protocol.UserProfiles;

/**
 * A user the application connects: its id, custom fields the hub stores and shows to the
 * users sharing a room with it (a display name, an avatar URL), and its privacy settings.
 * Sent to the hub as the {@code user.update} meta signal after every connect and on
 * change.
 * <p>
 * Checked when created: the id follows the protocol's user id rule (1 to 128 characters
 * of {@code a-z 0-9 @ _ -}); custom fields are JSON-mappable values under names of 1 to
 * 64 characters, taking at most 5 KiB (5,120 bytes) of JSON in total. A problem is
 * reported as an {@link IllegalArgumentException} naming the field, for example
 * {@code customFields.avatar: cannot be converted to JSON ...}.
 *
 * @param id the user id
 * @param customFields the custom fields, in order; values are JSON-mappable (strings,
 * numbers, booleans, lists, maps, records)
 * @param privacy what the user shares with others
 */
public record UserProfile(String id, Map<String, Object> customFields, PrivacySettings privacy) {

	/**
	 * The mapper custom fields are measured with: plain JSON, no application settings.
	 */
	private static final JsonMapper MAPPER = JsonMapper.shared();

	public UserProfile {
		if (id == null || !UserIds.isValid(id)) {
			throw new IllegalArgumentException("id: must match [a-z0-9@_-]{1,128} (1 to 128 characters of a-z, 0-9, "
					+ "'@', '_' and '-', lower case), was " + ((id != null) ? "'" + abbreviate(id) + "'" : "null"));
		}
		if (customFields == null) {
			throw new IllegalArgumentException("customFields: must not be null (use an empty map)");
		}
		if (privacy == null) {
			throw new IllegalArgumentException("privacy: must not be null (use PrivacySettings.SHARE_ALL)");
		}
		customFields = Collections.unmodifiableMap(new LinkedHashMap<>(customFields));
		String problem = UserProfiles.problem(toJson(customFields), "customFields", MAPPER);
		if (problem != null) {
			throw new IllegalArgumentException(problem);
		}
	}

	/**
	 * Return a profile with no custom fields that shares everything.
	 * @param id the user id
	 * @return the profile
	 * @throws IllegalArgumentException if the id is not valid
	 */
	public static UserProfile of(String id) {
		return new UserProfile(id, Map.of(), PrivacySettings.SHARE_ALL);
	}

	/**
	 * Return a copy with other custom fields.
	 * @param customFields the custom fields
	 * @return the copy
	 * @throws IllegalArgumentException naming the field that is not valid
	 */
	public UserProfile withCustomFields(Map<String, ?> customFields) {
		return new UserProfile(this.id, new LinkedHashMap<>(customFields), this.privacy);
	}

	/**
	 * Return a copy with other privacy settings.
	 * @param privacy the privacy settings
	 * @return the copy
	 */
	public UserProfile withPrivacy(PrivacySettings privacy) {
		return new UserProfile(this.id, this.customFields, privacy);
	}

	/**
	 * Return the payload of the {@code user.update} meta signal: {@code {"custom": {…},
	 * "privacy": {"typing_indicators": …, "read_receipts": …}}}.
	 * @return the payload
	 */
	public Map<String, Object> toPayload() {
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put(UserProfiles.CUSTOM, this.customFields);
		payload.put(UserProfiles.PRIVACY, this.privacy.toPayload());
		return payload;
	}

	private static JsonNode toJson(Map<String, Object> customFields) {
		ObjectNode json = MAPPER.createObjectNode();
		customFields.forEach((name, value) -> {
			if (name == null) {
				throw new IllegalArgumentException("customFields: a field name must not be null");
			}
			try {
				json.set(name, MAPPER.valueToTree(value));
			}
			catch (JacksonException ex) {
				throw new IllegalArgumentException("customFields." + abbreviate(name)
						+ ": cannot be converted to JSON (" + ex.getOriginalMessage() + ")", ex);
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException(
						"customFields." + abbreviate(name) + ": cannot be converted to JSON (" + ex.getMessage() + ")",
						ex);
			}
		});
		return json;
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}

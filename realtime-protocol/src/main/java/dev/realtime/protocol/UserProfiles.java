package dev.realtime.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The rules of a user's profile as the {@value MetaFrame#USER_UPDATE} meta signal carries
 * it, shared by the client (which checks before sending) and servers (which must check
 * again): custom fields are a JSON object whose field names have 1 to
 * {@value #MAX_FIELD_NAME_LENGTH} characters and whose JSON text has at most
 * {@value #MAX_CUSTOM_BYTES} bytes of UTF-8 in total.
 */
public final class UserProfiles {

	/** Most bytes of UTF-8 the custom fields take as JSON text, in total: 5 KiB. */
	public static final int MAX_CUSTOM_BYTES = 5 * 1024;

	/** Most characters of a custom field's name. */
	public static final int MAX_FIELD_NAME_LENGTH = 64;

	/** Payload field of {@value MetaFrame#USER_UPDATE}: the custom fields. */
	public static final String CUSTOM = "custom";

	/** Payload field of {@value MetaFrame#USER_UPDATE}: the privacy settings. */
	public static final String PRIVACY = "privacy";

	private UserProfiles() {
	}

	/**
	 * Check custom fields.
	 * @param custom the custom fields as JSON
	 * @param name how to name the fields in the problem, for example {@code customFields}
	 * @param mapper writes the JSON text whose size counts
	 * @return the problem, naming the field, or {@code null} when the fields are valid
	 */
	public static @Nullable String problem(JsonNode custom, String name, ObjectMapper mapper) {
		if (!custom.isObject()) {
			return name + ": must be a JSON object, was " + custom.getNodeType().name().toLowerCase(Locale.ROOT);
		}
		for (Map.Entry<String, JsonNode> field : custom.properties()) {
			String key = field.getKey();
			if (key.isBlank() || key.length() > MAX_FIELD_NAME_LENGTH) {
				return name + "." + abbreviate(key) + ": a field name must have 1 to " + MAX_FIELD_NAME_LENGTH
						+ " characters and not be blank";
			}
		}
		int bytes = mapper.writeValueAsString(custom).getBytes(StandardCharsets.UTF_8).length;
		if (bytes > MAX_CUSTOM_BYTES) {
			return name + ": " + bytes + " bytes of JSON in total, at most " + MAX_CUSTOM_BYTES + " are allowed"
					+ largest(custom, name, mapper);
		}
		return null;
	}

	/**
	 * Check the payload of a received {@value MetaFrame#USER_UPDATE}.
	 * @param payload the signal's payload
	 * @param mapper writes the JSON text whose size counts
	 * @return the problem, naming the field, or {@code null} when the payload is valid
	 */
	public static @Nullable String payloadProblem(JsonNode payload, ObjectMapper mapper) {
		if (!payload.isObject()) {
			return "user.update payload must be a JSON object";
		}
		JsonNode custom = payload.path(CUSTOM);
		if (!custom.isMissingNode()) {
			String problem = problem(custom, CUSTOM, mapper);
			if (problem != null) {
				return problem;
			}
		}
		JsonNode privacy = payload.path(PRIVACY);
		if (!privacy.isMissingNode()) {
			if (!privacy.isObject()) {
				return PRIVACY + ": must be a JSON object";
			}
			for (String field : new String[] { PrivacySettings.TYPING_INDICATORS, PrivacySettings.READ_RECEIPTS }) {
				JsonNode value = privacy.path(field);
				if (!value.isMissingNode() && !value.isBoolean()) {
					return PRIVACY + "." + field + ": must be true or false";
				}
			}
		}
		return null;
	}

	/**
	 * Name the largest field, to help whoever must trim the profile.
	 * @param custom the custom fields
	 * @param name how to name the fields
	 * @param mapper writes the JSON text
	 * @return a remark naming the largest field, empty when there is none
	 */
	private static String largest(JsonNode custom, String name, ObjectMapper mapper) {
		String largest = null;
		int largestBytes = 0;
		for (Map.Entry<String, JsonNode> field : custom.properties()) {
			int bytes = mapper.writeValueAsString(field.getValue()).getBytes(StandardCharsets.UTF_8).length;
			if (bytes > largestBytes) {
				largest = field.getKey();
				largestBytes = bytes;
			}
		}
		return (largest != null) ? " (largest: " + name + "." + largest + " with " + largestBytes + " bytes)" : "";
	}

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

}

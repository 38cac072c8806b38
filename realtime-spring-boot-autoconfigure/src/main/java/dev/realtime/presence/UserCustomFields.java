package dev.realtime.presence;

import java.time.Instant;
import java.util.Map;

/**
 * The custom fields of another user's profile, as the hub last told about them.
 *
 * @param userId the user
 * @param customFields the custom fields, in the order the user set them
 * @param timestamp when the hub received them
 */
public record UserCustomFields(String userId, Map<String, Object> customFields, Instant timestamp) {
}

package dev.realtime.protocol;

import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The rule for user ids: what the protocol puts in the handshake URL and keys local data
 * by.
 */
public final class UserIds {

	/** The rule, as a regular expression and as log messages tell it. */
	public static final String RULE = "[a-z0-9@_-]{1,128}";

	private static final Pattern VALID = Pattern.compile(RULE);

	private UserIds() {
	}

	/**
	 * Return whether a user id follows the rule.
	 * @param userId the candidate
	 * @return whether it is valid
	 */
	public static boolean isValid(@Nullable String userId) {
		return userId != null && VALID.matcher(userId).matches();
	}

	/**
	 * Check a user id.
	 * @param userId the candidate
	 * @return the user id
	 * @throws IllegalArgumentException naming the problem if it is not valid
	 */
	public static String validate(String userId) {
		if (userId == null || userId.isEmpty()) {
			throw new IllegalArgumentException("User id must not be empty");
		}
		if (!VALID.matcher(userId).matches()) {
			throw new IllegalArgumentException("User id '" + userId
					+ "' is not valid: use 1 to 128 characters of a-z, 0-9, '@', '_' and '-' (lower case)");
		}
		return userId;
	}

}

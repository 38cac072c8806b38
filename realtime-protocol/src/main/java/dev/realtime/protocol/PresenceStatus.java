package dev.realtime.protocol;

import java.util.Locale;

import org.jspecify.annotations.Nullable;

/**
 * A user's presence status, sent on the wire in lower case ({@code online}, …).
 */
public enum PresenceStatus {

	/** Connected and available. */
	ONLINE,

	/** Connected but idle. */
	AWAY,

	/** Connected, do not disturb. */
	BUSY,

	/** Not connected (announced by the hub when the user's last connection closed). */
	OFFLINE;

	/**
	 * Return the wire name.
	 * @return the status in lower case
	 */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parse a wire name.
	 * @param wireName the name, for example {@code away}
	 * @return the status, or {@code null} for an unknown name
	 */
	public static @Nullable PresenceStatus fromWireName(@Nullable String wireName) {
		for (PresenceStatus status : values()) {
			if (status.wireName().equals(wireName)) {
				return status;
			}
		}
		return null;
	}

}

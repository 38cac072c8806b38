package dev.realtime.hub;

/**
 * What the hub reports as it works, for meters ({@code dev.realtime.hub.actuate} records
 * them with Micrometer when the application has a {@code MeterRegistry}). Every method is
 * a no-op by default and must return at once: the hub calls them on its I/O threads.
 */
public interface HubMetrics {

	/** Reports nothing: the hub's metrics when the application has no meter registry. */
	HubMetrics NONE = new HubMetrics() {
	};

	/**
	 * Events from clients were committed (first accepted, not resent duplicates).
	 * @param count how many
	 */
	default void eventsAccepted(int count) {
	}

	/**
	 * Events of users' streams were written to connections, live or in a resume page.
	 * @param count how many
	 */
	default void eventsDelivered(int count) {
	}

	/**
	 * A resume was answered with one page of a user's stream.
	 */
	default void resumePage() {
	}

	/**
	 * A connection was closed with 4008 for sending faster than its rate limit.
	 */
	default void rateLimitClosed() {
	}

	/**
	 * A connection was refused for its token: missing, invalid, expired or of another
	 * user (401 or 403 at the handshake).
	 */
	default void authRefused() {
	}

}

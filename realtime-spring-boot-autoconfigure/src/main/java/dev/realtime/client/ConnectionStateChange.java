package dev.realtime.client;

import org.jspecify.annotations.Nullable;

/**
 * A transition of the connection state machine.
 *
 * @param userId the client's user
 * @param previous the state before
 * @param current the state after
 * @param reason why, for example {@code closed by server (1001 restarting)}; never a
 * secret
 * @param cause the error behind a failure, if any
 */
public record ConnectionStateChange(String userId, ConnectionState previous, ConnectionState current, String reason,
		@Nullable Throwable cause) {
}

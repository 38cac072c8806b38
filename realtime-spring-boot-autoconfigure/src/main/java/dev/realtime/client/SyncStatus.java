package dev.realtime.client;

import java.time.Instant;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * What health checks and the application see of a client's resume catch-up: whether the
 * client has received every page of what it missed, the last completed catch-up, the last
 * reset of the stream, and a listener registry for completed catch-ups.
 */
public interface SyncStatus {

	/**
	 * Return whether the last catch-up has received all its pages. It stays true after
	 * the connection is lost until the next catch-up starts: combine it with the
	 * connection state.
	 * @return whether the client caught up
	 */
	boolean isCaughtUp();

	/**
	 * Return the last completed catch-up, if any.
	 * @return the event published when it completed
	 */
	@Nullable SyncCompletedEvent lastCompleted();

	/**
	 * Return when the hub last reset the stream (the client was behind its retention
	 * window).
	 * @return the time, or {@code null} if it never did
	 */
	@Nullable Instant lastResetAt();

	/**
	 * Register a listener told when a catch-up completes. Keep it short and never block:
	 * it may be called on the connection's event loop, which other clients share.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onCompleted(Consumer<SyncCompletedEvent> listener);

}

package dev.realtime.client;

import java.time.Duration;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

/**
 * A {@link RealtimeClient} that shows how it is doing: what metrics, health,
 * observations, the actuator endpoint and the published sync events are built on. A
 * client of the application's own that implements it keeps them.
 * <p>
 * It extends {@code RealtimeClient} rather than standing beside it so that one object is
 * the client and its view: a feature built for a client never has to pair two beans,
 * which would not work once an application has several clients.
 */
public interface ObservableClient extends RealtimeClient {

	/**
	 * Return a snapshot of this client's activity and store counts. May query the stores:
	 * callers that poll cache it.
	 * @return the metrics
	 */
	ClientMetrics metrics();

	/**
	 * Return the last connection-level error, if any: why the client failed or last lost
	 * its connection. Never contains a token.
	 * @return the error description
	 */
	@Nullable String lastError();

	/**
	 * Register a listener told about every event accepted by {@code sendEvent}, on the
	 * sender's thread.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onSend(SendListener listener);

	/**
	 * Register a listener told, after each reconnect, how long the client was without a
	 * connection: from losing it to being connected and resumed again. Keep it short and
	 * never block: it may be called on the connection's event loop, which other clients
	 * share.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onReconnected(Consumer<Duration> listener);

	/**
	 * Register a listener told when the inbound store was reset because the client was
	 * too far behind; the application should reload its state.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onSyncReset(Consumer<SyncResetEvent> listener);

	/**
	 * Return the progress of the resume catch-up.
	 * @return the sync status
	 */
	SyncStatus syncProgress();

	/**
	 * Name the transport of the client's current connection, or of its last one while it
	 * has none, as health, the actuator endpoint, metrics and logs show it.
	 * @return for example {@code websocket} or {@code socketio}; {@code null} until a
	 * connection opened
	 */
	default @Nullable String transport() {
		return null;
	}

	/**
	 * Count something the hub sent that breaks the protocol's rules and that a feature
	 * built on this client dropped (a presence or typing announcement, a read receipt),
	 * with the invalid frames of {@link ClientMetrics#invalidFrames()}.
	 */
	default void countInvalidFrame() {
	}

	/**
	 * {@link #countInvalidFrame() Count an invalid frame} on a client that shows its
	 * metrics.
	 * @param client the client, observable or not
	 */
	static void countInvalidFrameOf(RealtimeClient client) {
		if (client instanceof ObservableClient observable) {
			observable.countInvalidFrame();
		}
	}

}

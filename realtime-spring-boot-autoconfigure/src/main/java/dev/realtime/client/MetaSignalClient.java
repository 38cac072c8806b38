package dev.realtime.client;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;

import dev.realtime.protocol.MetaFrame;

/**
 * A {@link RealtimeClient} that also carries ephemeral {@code meta} signals, never stored
 * nor resent: what presence, typing indicators and privacy announcements ride on. A
 * client of the application's own that implements it keeps those features.
 * <p>
 * It extends {@code RealtimeClient} for the reason {@link ObservableClient} does: a
 * feature gets the client and its signals as one object.
 */
public interface MetaSignalClient extends RealtimeClient {

	/**
	 * Register a listener for {@code meta} signals from the hub. Keep it short and never
	 * block: it may be called on the connection's event loop, which other clients share.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	Subscription onMeta(Consumer<MetaFrame> listener);

	/**
	 * Send a {@code meta} signal if connected.
	 * @param event the signal, for example {@code typing.start}
	 * @param payload a JSON-mappable payload, or {@code null} for an empty object
	 * @return a future completed with whether the signal was written to the connection
	 */
	CompletableFuture<Boolean> sendMeta(String event, @Nullable Object payload);

}

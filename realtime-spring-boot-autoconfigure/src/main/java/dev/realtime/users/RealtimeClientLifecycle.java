package dev.realtime.users;

import java.util.List;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

import dev.realtime.client.ObservableClient;
import dev.realtime.client.Subscription;

/**
 * Connects the client when the application starts (after the web server, so an in-process
 * hub is already listening) and disconnects it gracefully first thing on shutdown.
 * Publishes connection state changes, inbound events, sync resets and completed catch-ups
 * ({@code SyncCompletedEvent}) as application events.
 */
public class RealtimeClientLifecycle implements SmartLifecycle {

	/**
	 * The phase of every realtime client: later than the web server's lifecycle, so
	 * clients start after it (an in-process hub is listening) and stop before it.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 512;

	private final ObservableClient client;

	private final boolean autoConnect;

	private volatile boolean running;

	/**
	 * Create the lifecycle of a client. It publishes the client's events from now on.
	 * @param client the client
	 * @param autoConnect whether to connect the client when the application starts
	 * @param publisher publishes the client's events
	 */
	public RealtimeClientLifecycle(ObservableClient client, boolean autoConnect, ApplicationEventPublisher publisher) {
		this.client = client;
		this.autoConnect = autoConnect;
		publishEvents(client, publisher);
	}

	/**
	 * Publish a client's connection state changes, inbound events, sync resets and
	 * completed catch-ups as application events.
	 * @param client the client
	 * @param publisher publishes the events
	 * @return the subscriptions, to close when the client goes away
	 */
	static List<Subscription> publishEvents(ObservableClient client, ApplicationEventPublisher publisher) {
		return List.of(client.onConnectionStateChange(publisher::publishEvent),
				client.onMessage(publisher::publishEvent), client.onSyncReset(publisher::publishEvent),
				client.syncProgress().onCompleted(publisher::publishEvent));
	}

	@Override
	public void start() {
		if (this.autoConnect) {
			this.client.connect();
		}
		this.running = true;
	}

	@Override
	public void stop() {
		this.client.disconnect();
		this.running = false;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

package dev.realtime.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendListener;
import dev.realtime.client.SendOptions;
import dev.realtime.client.Subscription;
import dev.realtime.client.SyncResetEvent;
import dev.realtime.client.SyncStatus;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;

/**
 * The default {@link RealtimeClient}. All connection state lives on one event loop per
 * client, a strand of the {@link ClientRuntime} that the application's clients share:
 * transport callbacks, timers and API calls are posted to it and run one at a time, so
 * the state machine needs no locks. Nothing on the loop waits for the database: the relay
 * (outbox claims, acks, the user's lease) and the inbound store's writes have strands of
 * their own on the runtime's I/O pool, so a slow or unreachable database never stops
 * heartbeats. Listeners of inbound events run on a fourth strand, on the dispatch pool,
 * so a slow listener never delays acks.
 * <p>
 * This class wires and fronts the parts that do the work: a {@link ConnectionSupervisor}
 * runs the state machine over one {@link Connection} per attempt as its
 * {@link ReconnectPolicy} decides, an {@link InboundSequencer} orders what the hub sends
 * into the inbound store and an {@link InboundDispatcher} hands it to listeners,
 * {@link OutboundEvents} and the {@link OutboundRelay} carry events to the hub, and a
 * {@link ListenerRegistry} tells the application.
 */
public class DefaultRealtimeClient implements ObservableClient, MetaSignalClient, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DefaultRealtimeClient.class);

	/** Longest wait for the relay to release the lease when disconnecting. */
	private static final long RELEASE_TIMEOUT_SECONDS = 5;

	private final ClientSettings settings;

	private final OutboundQueue outbound;

	private final InboundStore inbound;

	private final FrameCodec codec;

	private final ClientLoop loop;

	private final Strand dispatchStrand;

	private final Strand relayStrand;

	/** Writes of the inbound store, in order. */
	private final Strand storeStrand;

	/** The runtime this client created for itself and closes, if it was given none. */
	private final @Nullable ClientRuntime ownRuntime;

	private final SendTracker tracker = new SendTracker();

	private final ClientReporting reporting = new ClientReporting(new ClientCounters(), new ListenerRegistry(),
			new ConnectionStatus());

	private final SyncProgress sync;

	private final InboundDispatcher dispatcher;

	private final OutboundRelay relay;

	private final OutboundEvents events;

	private final InboundSequencer sequencer;

	private final ConnectionSupervisor supervisor;

	/**
	 * Create a client with threads of its own, released by {@link #close()}: for an
	 * application with one client. It does not connect until {@link #connect()}.
	 * @param settings the settings
	 * @param transport opens connections
	 * @param tokens supplies the handshake token
	 * @param outbound the user's outbound queue
	 * @param inbound the user's inbound store
	 * @param codec encodes and decodes frames
	 * @param clock the clock for outbound timestamps, sync progress and reconnect times
	 */
	public DefaultRealtimeClient(ClientSettings settings, Transport transport, TokenProvider tokens,
			OutboundQueue outbound, InboundStore inbound, FrameCodec codec, Clock clock) {
		this(settings, new HubAccess(transport, tokens, codec), outbound, inbound, clock, new ClientRuntime(1, 2, 1),
				true);
	}

	/**
	 * Create a client on the threads of a runtime shared by the application's clients. It
	 * does not connect until {@link #connect()}.
	 * @param settings the settings
	 * @param transport opens connections
	 * @param tokens supplies the handshake token
	 * @param outbound the user's outbound queue
	 * @param inbound the user's inbound store
	 * @param codec encodes and decodes frames
	 * @param clock the clock for outbound timestamps, sync progress and reconnect times
	 * @param runtime the shared threads, closed after this client
	 */
	public DefaultRealtimeClient(ClientSettings settings, Transport transport, TokenProvider tokens,
			OutboundQueue outbound, InboundStore inbound, FrameCodec codec, Clock clock, ClientRuntime runtime) {
		this(settings, new HubAccess(transport, tokens, codec), outbound, inbound, clock, runtime, false);
	}

	// the parts are built in the order data flows, each complete before the next uses
	// it: the relay (inert until started) and the receive path, then the supervisor
	// that connects them to the transport, then the entry of the application's events
	private DefaultRealtimeClient(ClientSettings settings, HubAccess hub, OutboundQueue outbound, InboundStore inbound,
			Clock clock, ClientRuntime runtime, boolean ownsRuntime) {
		this.settings = settings;
		this.outbound = outbound;
		this.inbound = inbound;
		this.codec = hub.codec();
		this.sync = new SyncProgress(clock);
		this.ownRuntime = ownsRuntime ? runtime : null;
		String user = settings.userId();
		this.loop = new ClientLoop(runtime.loopStrand("realtime-" + user));
		this.dispatchStrand = runtime.dispatchStrand("realtime-dispatch-" + user);
		this.relayStrand = runtime.ioStrand("realtime-relay-" + user);
		this.storeStrand = runtime.ioStrand("realtime-store-" + user);
		UserStores stores = new UserStores(outbound, inbound, this.storeStrand);
		ClientCounters counters = this.reporting.counters();
		this.relay = new OutboundRelay(settings, outbound, this.codec, this.relayStrand, counters, this.tracker,
				this.reporting.listeners()::acked);
		// only the lease holder hands inbound events to listeners: once across the
		// instances
		this.dispatcher = new InboundDispatcher(inbound, settings.inboxMaxAttempts(), this.dispatchStrand,
				counters.parked::incrementAndGet, this.relay::isLeading);
		this.sequencer = new InboundSequencer(user, stores, this.loop::post, this.dispatcher, this.sync,
				this.reporting);
		ReconnectPolicy policy = new ReconnectPolicy(settings, clock, () -> ThreadLocalRandom.current().nextDouble());
		this.supervisor = new ConnectionSupervisor(settings, this.loop, hub, stores, policy, this.relay,
				new InboundPath(this.sequencer, this.dispatcher), this.reporting);
		this.relay.start(this.supervisor);
		this.events = new OutboundEvents(settings, this.codec, clock, outbound, this.tracker, this.relay::wake,
				this.reporting.listeners(),
				new AtMostOnceSender(settings, counters, this.loop::post, this.supervisor::connected));
	}

	@Override
	public String userId() {
		return this.settings.userId();
	}

	@Override
	public String clientId() {
		return this.outbound.clientId();
	}

	@Override
	public ConnectionState connectionState() {
		return this.reporting.status().state();
	}

	/**
	 * Return the last connection-level error, if any: why the client failed or last lost
	 * its connection. Never contains a token.
	 * @return the error description
	 */
	@Override
	public @Nullable String lastError() {
		return this.reporting.status().lastError();
	}

	/**
	 * Return a snapshot of this client's activity.
	 * @return the metrics
	 */
	@Override
	public ClientMetrics metrics() {
		return this.reporting.counters()
			.snapshot(this.outbound.pendingCount(), this.outbound.deadLetterCount(), this.inbound.failedCount(),
					this.outbound.oldestPendingCreatedAt().orElse(null));
	}

	// --- lifecycle
	// -------------------------------------------------------------------------

	@Override
	public void connect() {
		this.supervisor.connect();
	}

	@Override
	public void disconnect() {
		disconnect(false);
	}

	@Override
	public void disconnect(boolean flushPersistence) {
		this.supervisor.disconnect();
		// the lease is released before this returns, so another instance can take over at
		// once
		awaitRelease(this.relay.activate(false));
		if (flushPersistence) {
			this.loop.run(() -> {
				this.outbound.clear();
				this.sequencer.flush();
				this.tracker.rejectAll("flushed", "local persistence was flushed by disconnect(true)");
			});
		}
	}

	private void awaitRelease(Future<?> released) {
		try {
			released.get(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger
				.warn("Realtime client '" + userId() + "' could not release its lease in time; it expires on its own");
		}
	}

	/**
	 * Disconnect and stop the client's strands (and its threads, if it has its own).
	 */
	@Override
	public void close() {
		if (!this.loop.isShutdown()) {
			disconnect(false);
			this.loop.shutdown();
			this.relayStrand.shutdown();
			this.storeStrand.shutdown();
			this.dispatchStrand.shutdown();
			if (this.ownRuntime != null) {
				this.ownRuntime.close();
			}
		}
	}

	// --- outbound
	// --------------------------------------------------------------------------

	@Override
	public SendHandle sendEvent(String event, @Nullable Object payload) {
		return sendEvent(event, payload, SendOptions.defaults());
	}

	@Override
	public SendHandle sendEvent(String event, @Nullable Object payload, SendOptions options) {
		return this.events.send(event, payload, options);
	}

	@Override
	public long pendingCount() {
		return this.outbound.pendingCount();
	}

	/**
	 * Send an ephemeral {@code meta} signal if connected; it is never stored nor resent.
	 * @param event the signal, for example {@code typing.start}
	 * @param payload the payload
	 * @return a future completed with whether the signal was written to the connection
	 */
	@Override
	public CompletableFuture<Boolean> sendMeta(String event, @Nullable Object payload) {
		return this.supervisor.sendMeta(new MetaFrame(event, this.codec.toPayload(payload)));
	}

	// --- listeners
	// -------------------------------------------------------------------------

	@Override
	public Subscription onConnectionStateChange(Consumer<ConnectionStateChange> listener) {
		return this.reporting.listeners().onStateChange(listener);
	}

	@Override
	public Subscription onMessage(Consumer<InboundMessage> listener) {
		return this.dispatcher.addListener(listener);
	}

	@Override
	public Subscription onAck(Consumer<Acknowledgement> listener) {
		return this.reporting.listeners().onAck(listener);
	}

	/**
	 * Register a listener told, after each reconnect, how long the client was without a
	 * connection: from losing it to being connected and resumed again. Called on the
	 * client's event loop, which other clients share: keep it short, never block.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onReconnected(Consumer<Duration> listener) {
		return this.reporting.listeners().onReconnected(listener);
	}

	/**
	 * Register a listener told about every event accepted by {@code sendEvent}, on the
	 * sender's thread.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onSend(SendListener listener) {
		return this.reporting.listeners().onSend(listener);
	}

	/**
	 * Register a listener told when the inbound store was reset because the client was
	 * too far behind; the application should reload its state.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onSyncReset(Consumer<SyncResetEvent> listener) {
		return this.reporting.listeners().onReset(listener);
	}

	@Override
	public @Nullable String transport() {
		return this.reporting.status().transport();
	}

	@Override
	public void countInvalidFrame() {
		this.reporting.counters().invalidFrames.incrementAndGet();
	}

	/**
	 * Return the progress of the resume catch-up: whether the client has received every
	 * page of what it missed, and a listener registry for completed catch-ups.
	 * @return the sync progress
	 */
	@Override
	public SyncStatus syncProgress() {
		return this.sync;
	}

	/**
	 * Register a listener for ephemeral {@code meta} signals from the hub (presence,
	 * typing), called on the client's event loop, which other clients share: keep it
	 * short, never block.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onMeta(Consumer<MetaFrame> listener) {
		return this.reporting.listeners().onMeta(listener);
	}

	@Override
	public String toString() {
		return "DefaultRealtimeClient[user=" + userId() + ", state=" + connectionState() + "]";
	}

}

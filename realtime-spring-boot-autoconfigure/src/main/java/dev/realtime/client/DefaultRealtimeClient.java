package dev.realtime.client;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.Transport.TransportSession;
import dev.realtime.auth.TokenUnavailableException;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.FrameSizes;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ProtocolException;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * The default {@link RealtimeClient}. All connection state lives on one event-loop thread per
 * client: transport callbacks, timers and API calls are posted to it, so the state machine needs
 * no locks. Nothing on that thread waits for the database: the relay (outbox claims, acks, the
 * user's lease) and the inbound store's writes have threads of their own, so a slow or
 * unreachable database never stops heartbeats. Listeners of inbound events run on a fourth
 * thread, so a slow listener never delays acks.
 */
public class DefaultRealtimeClient implements ObservableClient, MetaSignalClient, AutoCloseable {

	private static final Log logger = LogFactory.getLog(DefaultRealtimeClient.class);

	/** Time a failed send waits for the hub's close frame, whose code decides what comes next. */
	private static final long CLOSE_FRAME_GRACE_MILLIS = 500;

	/** Received events not yet stored, beyond which later ones are left to a resume. */
	private static final long MAX_UNSTORED = 10_000;

	/** Time between two checks whether the inbound store works again after a failure. */
	private static final long STORE_PROBE_MILLIS = 1000;

	/** Longest wait for the relay to release the lease when disconnecting. */
	private static final long RELEASE_TIMEOUT_SECONDS = 5;

	private final ClientSettings settings;

	private final Transport transport;

	private final TokenProvider tokens;

	private final OutboundQueue outbound;

	private final InboundStore inbound;

	private final FrameCodec codec;

	private final Clock clock;

	private final ScheduledExecutorService loop;

	private final ScheduledExecutorService dispatchExecutor;

	private final ScheduledExecutorService relayExecutor;

	/** Writes of the inbound store, in order. */
	private final ScheduledExecutorService storeExecutor;

	private final SendTracker tracker = new SendTracker();

	/** At-most-once events waiting for the connection's thread. */
	private final Queue<AtMostOnce> atMostOnce = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean atMostOnceScheduled = new AtomicBoolean();

	private final InboundDispatcher dispatcher;

	private final List<Consumer<ConnectionStateChange>> stateListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<Acknowledgement>> ackListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<SyncResetEvent>> resetListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<MetaFrame>> metaListeners = new CopyOnWriteArrayList<>();

	private final List<Consumer<Duration>> reconnectListeners = new CopyOnWriteArrayList<>();

	private final List<SendListener> sendListeners = new CopyOnWriteArrayList<>();

	private final ClientCounters counters = new ClientCounters();

	private final OutboundRelay relay;

	private final SyncProgress sync;

	private volatile ConnectionState state = ConnectionState.DISCONNECTED;

	private volatile long lastReceivedNanos;

	private volatile @Nullable String lastError;

	// --- state confined to the loop thread ---

	private @Nullable Thread loopThread;

	private boolean wanted;

	/** Incremented whenever a connection is abandoned, so its late callbacks are ignored. */
	private int generation;

	private @Nullable TransportSession session;

	private @Nullable String sessionToken;

	private boolean resumed;

	private boolean resumeRequested;

	/** Whether the relay told that this instance holds the user's lease (read by the dispatcher). */
	private volatile boolean leading;

	/** A connection attempt is under way (token, cursor, handshake, resume). */
	private boolean opening;

	/** The highest seq written to any connection by this process. */
	private long highestSent;

	/** The highest stored inbound seq: acked to the hub. */
	private long durableCursor;

	/** Inbound events are not taken until the store catches up or works again; a resume fetches them then. */
	private boolean inboundPaused;

	private boolean storeProbing;

	/** A send failed on the current connection; its close code may still be on the way. */
	private boolean sendFailed;

	/** The highest inbound seq handed to the store, stored or not yet. */
	private long inboundCursor;

	private int attempt;

	private int authFailures;

	private long lossStartedNanos;

	private @Nullable ScheduledFuture<?> reconnectTask;

	private @Nullable ScheduledFuture<?> heartbeatTask;

	private @Nullable ScheduledFuture<?> resumeTimeoutTask;

	/**
	 * Create a client. It does not connect until {@link #connect()}.
	 * @param settings the settings
	 * @param transport opens connections
	 * @param tokens supplies the handshake token
	 * @param outbound the user's outbound queue
	 * @param inbound the user's inbound store
	 * @param codec encodes and decodes frames
	 * @param clock the clock for outbound timestamps
	 */
	public DefaultRealtimeClient(ClientSettings settings, Transport transport, TokenProvider tokens,
			OutboundQueue outbound, InboundStore inbound, FrameCodec codec, Clock clock) {
		this.settings = settings;
		this.transport = transport;
		this.tokens = tokens;
		this.outbound = outbound;
		this.inbound = inbound;
		this.codec = codec;
		this.clock = clock;
		this.sync = new SyncProgress(clock);
		this.loop = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "realtime-" + settings.userId());
			thread.setDaemon(true);
			this.loopThread = thread;
			return thread;
		});
		this.dispatchExecutor = singleThread("realtime-dispatch-" + settings.userId());
		this.relayExecutor = singleThread("realtime-relay-" + settings.userId());
		this.storeExecutor = singleThread("realtime-store-" + settings.userId());
		// only the lease holder hands inbound events to listeners: once across the instances
		this.dispatcher = new InboundDispatcher(this.inbound, settings.inboxMaxAttempts(), this.dispatchExecutor,
				this.counters.parked::incrementAndGet, () -> this.leading);
		this.relay = new OutboundRelay(settings, outbound, codec, this.relayExecutor, this.counters, this.tracker,
				(ack) -> notifyAll(this.ackListeners, ack, "Ack"), new OutboundRelay.Link() {

					@Override
					public void send(int connection, List<String> frames, int events, long lastSeq) {
						post(() -> sendEvents(connection, frames, events, lastSeq));
					}

					@Override
					public void leadershipChanged(boolean leading, String reason) {
						post(() -> onLeadership(leading, reason));
					}

				});
	}

	private static ScheduledExecutorService singleThread(String name) {
		return Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			return thread;
		});
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
		return this.state;
	}

	/**
	 * Return the last connection-level error, if any: why the client failed or last lost its
	 * connection. Never contains a token.
	 * @return the error description
	 */
	@Override
	public @Nullable String lastError() {
		return this.lastError;
	}

	/**
	 * Return a snapshot of this client's activity.
	 * @return the metrics
	 */
	@Override
	public ClientMetrics metrics() {
		return this.counters.snapshot(this.outbound.pendingCount(), this.outbound.deadLetterCount(),
				this.inbound.failedCount(), this.outbound.oldestPendingCreatedAt().orElse(null));
	}

	// --- lifecycle -------------------------------------------------------------------------

	@Override
	public void connect() {
		this.loop.execute(() -> {
			this.wanted = true;
			this.relay.activate(true);
			if (this.state == ConnectionState.DISCONNECTED || this.state == ConnectionState.FAILED) {
				this.attempt = 0;
				this.authFailures = 0;
				setState(ConnectionState.CONNECTING, "connect requested", null);
				if (this.leading) {
					openConnection();
				}
			}
		});
	}

	/**
	 * The relay took the user's lease, or lost it to another instance: only the holder connects.
	 */
	private void onLeadership(boolean leading, String reason) {
		this.leading = leading;
		if (!this.wanted) {
			return;
		}
		if (leading) {
			this.dispatcher.wake();
			if (this.session == null && !this.opening && this.state != ConnectionState.RECONNECTING) {
				this.attempt = 0;
				setState(ConnectionState.CONNECTING, reason, null);
				openConnection();
			}
			return;
		}
		logger.info("Realtime client '" + userId() + "' stands by: " + reason);
		abandonConnection(CloseCodes.GOING_AWAY, "lease lost");
		cancel(this.reconnectTask);
		setState(ConnectionState.STANDBY, reason, null);
	}

	@Override
	public void disconnect() {
		disconnect(false);
	}

	@Override
	public void disconnect(boolean flushPersistence) {
		runOnLoop(() -> {
			this.wanted = false;
			this.leading = false;
			abandonConnection(CloseCodes.NORMAL, "client disconnect");
			cancel(this.reconnectTask);
			setState(ConnectionState.DISCONNECTED, "disconnect requested", null);
		});
		// the lease is released before this returns, so another instance can take over at once
		awaitRelease(this.relay.activate(false));
		if (flushPersistence) {
			runOnLoop(() -> {
				this.outbound.clear();
				this.inbound.clear();
				this.inboundCursor = 0;
				this.durableCursor = 0;
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
			logger.warn("Realtime client '" + userId() + "' could not release its lease in time; it expires on its own");
		}
	}

	/**
	 * Disconnect and release the client's threads.
	 */
	@Override
	public void close() {
		if (!this.loop.isShutdown()) {
			disconnect(false);
			this.loop.shutdown();
			this.relayExecutor.shutdown();
			this.storeExecutor.shutdown();
			this.dispatchExecutor.shutdown();
		}
	}

	private void runOnLoop(Runnable action) {
		if (Thread.currentThread() == this.loopThread) {
			action.run();
			return;
		}
		try {
			this.loop.submit(action).get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the realtime client", ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Realtime client did not respond within 30s", ex);
		}
	}

	// --- connection state machine (loop thread) --------------------------------------------

	private void openConnection() {
		int connection = ++this.generation;
		this.opening = true;
		String token;
		try {
			token = this.tokens.getToken();
		}
		catch (TokenUnavailableException ex) {
			if (ex.isPermanent()) {
				fail("no token: " + ex.getMessage(), ex);
			}
			else {
				connectionFailed("token unavailable: " + ex.getMessage(), false);
			}
			return;
		}
		this.sessionToken = token;
		// the cursor and client id come from the database: read off the connection's thread
		this.storeExecutor.execute(() -> {
			long cursor;
			String clientId;
			try {
				cursor = this.inbound.lastSeq();
				clientId = this.outbound.clientId();
			}
			catch (RuntimeException ex) {
				post(() -> {
					if (connection == this.generation) {
						connectionFailed("database unavailable: " + describe(ex), false);
					}
				});
				return;
			}
			post(() -> {
				if (connection == this.generation) {
					openTransport(connection, token, cursor);
				}
			});
		});
	}

	private void openTransport(int connection, @Nullable String token, long cursor) {
		Map<String, String> headers = (token != null) ? Map.of("Authorization", "Bearer " + token) : Map.of();
		logger.debug("Connecting to " + this.settings.url());
		this.transport.connect(handshakeUri(), headers, new Listener(connection))
			.orTimeout(this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((opened, failure) -> post(() -> {
				if (failure == null) {
					onOpened(connection, opened, cursor);
				}
				else if (connection != this.generation) {
					logger.debug("Ignoring the failure of an abandoned connection attempt");
				}
				else {
					onConnectFailed(failure);
				}
			}));
	}

	private URI handshakeUri() {
		String url = this.settings.url().toString();
		String query = "client_id=" + encode(clientId()) + "&user_id=" + encode(userId()) + "&protocol=1";
		return URI.create(url + (url.contains("?") ? "&" : "?") + query);
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

	private void onOpened(int connection, TransportSession opened, long cursor) {
		if (connection != this.generation) {
			opened.close(CloseCodes.NORMAL, "abandoned");
			return;
		}
		this.session = opened;
		this.lastReceivedNanos = System.nanoTime();
		this.resumed = false;
		this.inboundCursor = cursor;
		this.durableCursor = cursor;
		this.inboundPaused = false;
		this.resumeRequested = true;
		if (!send(new ResumeFrame(clientId(), this.inboundCursor))) {
			return;
		}
		this.resumeTimeoutTask = this.loop.schedule(() -> {
			if (connection == this.generation && !this.resumed) {
				connectionLost("no resume_response within " + this.settings.connectTimeout().toMillis() + " ms");
			}
		}, this.settings.connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
	}

	private void onConnectFailed(Throwable failure) {
		this.opening = false;
		Throwable cause = unwrap(failure);
		if (cause instanceof HandshakeRejectedException rejected) {
			int status = rejected.getStatus();
			if (status == 401) {
				tokenRejected("hub refused the token at the handshake (HTTP 401)");
				return;
			}
			if (status == 403) {
				fail("hub refused the handshake with HTTP 403 (forbidden)", rejected);
				return;
			}
			connectionFailed("hub refused the handshake with HTTP " + status, false);
			return;
		}
		if (cause instanceof TimeoutException) {
			connectionFailed("connect timed out after " + this.settings.connectTimeout().toMillis() + " ms", false);
			return;
		}
		connectionFailed("connect failed: " + describe(cause), false);
	}

	private void tokenRejected(String reason) {
		this.tokens.invalidate(this.sessionToken);
		this.authFailures++;
		if (this.authFailures > this.settings.maxAuthFailures()) {
			fail(reason + "; gave up after " + this.settings.maxAuthFailures()
					+ " refreshed tokens were rejected in a row (realtime.auth.max-failures)", null);
			return;
		}
		// the first rejection is an expired token: refresh and come back at once
		connectionFailed(reason, this.authFailures == 1);
	}

	private void onClosed(int code, String reason) {
		String description = "closed by hub (" + code + ((reason.isEmpty()) ? "" : " " + reason) + ")";
		dropConnection();
		if (!this.wanted) {
			setState(ConnectionState.DISCONNECTED, description, null);
			return;
		}
		switch (code) {
			case CloseCodes.FORBIDDEN -> fail(description, null);
			case CloseCodes.TOKEN_EXPIRED -> tokenRejected(description);
			case CloseCodes.PROTOCOL_ERROR -> {
				logger.warn("Hub reported a protocol error: " + reason);
				connectionFailed(description, false);
			}
			default -> connectionFailed(description, false);
		}
	}

	/**
	 * The current connection is dead for a reason found on this side: close it without waiting
	 * and reconnect.
	 */
	private void connectionLost(String reason) {
		abandonConnection(CloseCodes.GOING_AWAY, reason);
		connectionFailed(reason, false);
	}

	private void abandonConnection(int code, String reason) {
		this.generation++;
		TransportSession current = this.session;
		dropConnection();
		if (current != null) {
			current.close(code, reason);
		}
	}

	/**
	 * Forget the current connection: stop its timers and make its unacked events claimable
	 * again.
	 */
	private void dropConnection() {
		boolean wasReady = this.resumed;
		this.session = null;
		this.resumed = false;
		this.opening = false;
		this.sendFailed = false;
		cancel(this.heartbeatTask);
		cancel(this.resumeTimeoutTask);
		if (wasReady) {
			this.relay.linkDown();
		}
	}

	private void connectionFailed(String reason, boolean immediately) {
		this.lastError = reason;
		if (!this.wanted) {
			setState(ConnectionState.DISCONNECTED, reason, null);
			return;
		}
		this.attempt++;
		int maxRetries = this.settings.maxRetries();
		if (maxRetries >= 0 && this.attempt > maxRetries) {
			fail(reason + "; gave up after " + maxRetries + " reconnect attempts (realtime.reconnect.max-retries)",
					null);
			return;
		}
		if (this.lossStartedNanos == 0) {
			this.lossStartedNanos = System.nanoTime();
		}
		Duration delay = immediately ? Duration.ZERO
				: this.settings.backoff().delay(this.attempt, ThreadLocalRandom.current()::nextDouble);
		setState(ConnectionState.RECONNECTING, reason, null);
		logger.info("Realtime client '" + userId() + "' reconnect attempt " + this.attempt + " in " + delay.toMillis()
				+ " ms (" + reason + ")");
		cancel(this.reconnectTask);
		this.reconnectTask = this.loop.schedule(() -> {
			if (this.wanted && this.state == ConnectionState.RECONNECTING) {
				if (this.leading) {
					openConnection();
				}
				else {
					setState(ConnectionState.STANDBY, "another instance holds the user's lease", null);
				}
			}
		}, delay.toMillis(), TimeUnit.MILLISECONDS);
	}

	private void fail(String reason, @Nullable Throwable cause) {
		this.wanted = false;
		this.lastError = reason;
		abandonConnection(CloseCodes.NORMAL, "client failed");
		cancel(this.reconnectTask);
		logger.error("Realtime client '" + userId() + "' failed: " + reason, cause);
		setState(ConnectionState.FAILED, reason, cause);
	}

	private void onResumed() {
		this.resumed = true;
		this.opening = false;
		cancel(this.resumeTimeoutTask);
		this.authFailures = 0;
		this.attempt = 0;
		this.lastError = null;
		if (this.lossStartedNanos == 0) {
			setState(ConnectionState.CONNECTED, "connected to " + this.settings.url(), null);
		}
		else {
			Duration outage = Duration.ofNanos(System.nanoTime() - this.lossStartedNanos);
			this.lossStartedNanos = 0;
			this.counters.reconnected(outage.toNanos());
			setState(ConnectionState.CONNECTED,
					"reconnected to " + this.settings.url() + " after " + outage.toMillis() + " ms", null);
			notifyAll(this.reconnectListeners, outage, "Reconnect");
		}
		int connection = this.generation;
		long interval = this.settings.heartbeatInterval().toMillis();
		this.heartbeatTask = this.loop.scheduleAtFixedRate(() -> heartbeat(connection), interval, interval,
				TimeUnit.MILLISECONDS);
		this.relay.linkUp(connection, clientId());
	}

	private void heartbeat(int connection) {
		if (connection != this.generation) {
			return;
		}
		long pingNanos = System.nanoTime();
		if (!send(new MetaFrame(MetaFrame.PING, this.codec.toPayload(null)))) {
			return;
		}
		long timeout = this.settings.heartbeatTimeout().toMillis();
		this.loop.schedule(() -> {
			if (connection == this.generation && this.lastReceivedNanos - pingNanos < 0) {
				connectionLost("heartbeat timeout: no frame within " + timeout + " ms of a ping");
			}
		}, timeout, TimeUnit.MILLISECONDS);
	}

	private void setState(ConnectionState next, String reason, @Nullable Throwable cause) {
		ConnectionState previous = this.state;
		if (previous == next) {
			return;
		}
		this.state = next;
		if (next == ConnectionState.CONNECTED) {
			logger.info("Realtime client '" + userId() + "' connected (" + reason + ")");
		}
		else if (previous == ConnectionState.CONNECTED) {
			logger.info("Realtime client '" + userId() + "' disconnected: " + reason);
		}
		ConnectionStateChange change = new ConnectionStateChange(userId(), previous, next, reason, cause);
		notifyAll(this.stateListeners, change, "Connection state");
	}

	// --- inbound (loop thread) -------------------------------------------------------------

	private void onText(String text) {
		List<Frame> frames = this.codec.decode(text, this::invalidFrame);
		List<EventFrame> events = new ArrayList<>();
		for (Frame frame : frames) {
			if (frame instanceof EventFrame event) {
				events.add(event);
				continue;
			}
			storeEvents(events);
			events.clear();
			if (this.session == null) {
				return;
			}
			if (frame instanceof AckFrame ack) {
				onAck(ack.ackSeq(), false);
			}
			else if (frame instanceof ResumeResponseFrame response) {
				onResumeResponse(response);
			}
			else if (frame instanceof ErrorFrame error) {
				onError(error);
			}
			else if (frame instanceof MetaFrame meta) {
				onMeta(meta);
			}
			else {
				invalidFrame(new ProtocolException("Unexpected " + frame.type().wireName() + " frame from hub"));
			}
		}
		storeEvents(events);
	}

	private void invalidFrame(ProtocolException problem) {
		this.counters.invalidFrames.incrementAndGet();
		logger.warn("Ignoring invalid frame from hub: " + problem.getMessage());
	}

	/**
	 * The hub acked outbound events. An ack of more than this client ever gave out claims what
	 * was never sent: counted, logged, and only what was sent is completed.
	 */
	private void onAck(long ackSeq, boolean resume) {
		long bound = Math.max(this.highestSent, this.relay.highestSeq());
		if (ackSeq > bound) {
			this.counters.invalidFrames.incrementAndGet();
			logger.warn("Hub " + (resume ? "resumed with ack_seq " : "acked seq ") + ackSeq
					+ ", beyond the highest seq this client gave out (" + bound + "); completing only what was sent");
		}
		this.relay.acked(Math.min(ackSeq, bound));
	}

	private void onResumeResponse(ResumeResponseFrame response) {
		this.resumeRequested = false;
		onAck(response.ackSeq(), true);
		if (response.reset()) {
			reset(response.lastSeq());
		}
		storeEvents(response.events());
		this.sync.pageReceived(userId(), !this.resumed, response);
		if (response.hasMore() && this.session != null) {
			this.resumeRequested = true;
			send(new ResumeFrame(clientId(), this.inboundCursor));
		}
		if (!this.resumed && this.session != null) {
			onResumed();
		}
	}

	/**
	 * The hub's retention window no longer holds what this client missed: drop the store and
	 * continue from the hub's latest seq.
	 */
	private void reset(long lastSeq) {
		int connection = this.generation;
		this.inboundCursor = lastSeq;
		logger.warn("Realtime client '" + userId() + "' was behind the hub's retention window: inbound store reset, "
				+ "continuing after seq " + lastSeq);
		this.storeExecutor.execute(() -> {
			try {
				this.inbound.reset(lastSeq);
			}
			catch (RuntimeException ex) {
				post(() -> storeFailed(connection, ex));
				return;
			}
			post(() -> {
				SyncResetEvent reset = new SyncResetEvent(userId(), lastSeq);
				this.resetListeners.forEach((listener) -> listener.accept(reset));
				stored(connection, lastSeq);
			});
		});
	}

	/**
	 * Store the events that continue the stream, drop what is already stored, and ask the hub
	 * to resume from the cursor when there is a gap rather than deliver out of order.
	 */
	private void storeEvents(List<EventFrame> events) {
		if (events.isEmpty() || this.session == null) {
			return;
		}
		if (this.inboundPaused) {
			// not acked: the resume that ends the pause fetches them again
			logger.debug("Inbound store paused; leaving " + events.size() + " event(s) to the next resume");
			return;
		}
		long cursor = this.inboundCursor;
		List<InboundMessage> fresh = new ArrayList<>();
		boolean gap = false;
		for (EventFrame event : events) {
			Long seq = event.seq();
			if (seq == null) {
				invalidFrame(new ProtocolException("Event '" + event.event() + "' from hub has no seq"));
			}
			else if (seq <= cursor) {
				this.counters.duplicates.incrementAndGet();
			}
			else if (seq != cursor + 1) {
				gap = true;
				break;
			}
			else {
				fresh.add(new InboundMessage(userId(), seq, event.event(), event.payload(), event.timestamp(),
						event.clientId(), event.idempotencyKey()));
				cursor = seq;
			}
		}
		if (!fresh.isEmpty()) {
			if (this.inboundCursor - this.durableCursor + fresh.size() > MAX_UNSTORED) {
				// the store is behind: take nothing more until it caught up, then resume
				logger.warn("Inbound store is " + (this.inboundCursor - this.durableCursor)
						+ " events behind; pausing until it catches up");
				this.inboundPaused = true;
				return;
			}
			this.inboundCursor = cursor;
			this.counters.received.addAndGet(fresh.size());
			append(fresh, cursor);
		}
		if (gap) {
			this.counters.gaps.incrementAndGet();
			if (!this.resumeRequested) {
				logger.debug("Gap in inbound stream after seq " + cursor + "; resuming");
				this.resumeRequested = true;
				send(new ResumeFrame(clientId(), cursor));
			}
		}
	}

	/**
	 * Store events on the store's thread; the hub gets the ack once they are stored.
	 */
	private void append(List<InboundMessage> fresh, long lastSeq) {
		int connection = this.generation;
		this.storeExecutor.execute(() -> {
			try {
				this.inbound.append(fresh);
			}
			catch (RuntimeException ex) {
				post(() -> storeFailed(connection, ex));
				return;
			}
			post(() -> stored(connection, lastSeq));
		});
	}

	private void stored(int connection, long seq) {
		this.dispatcher.wake();
		if (connection != this.generation || this.session == null || seq <= this.durableCursor) {
			// stored all the same: the next resume tells the hub
			return;
		}
		this.durableCursor = seq;
		send(new AckFrame(seq));
		if (this.inboundPaused && !this.storeProbing && this.durableCursor == this.inboundCursor) {
			resumeInbound(seq);
		}
	}

	/**
	 * The store failed: take no more events, and once it works again ask the hub for everything
	 * after what is stored. The connection, and its heartbeats, stay up meanwhile.
	 */
	private void storeFailed(int connection, RuntimeException ex) {
		if (connection != this.generation || this.session == null || this.storeProbing) {
			return;
		}
		logger.error("Could not store inbound events of user '" + userId() + "'; pausing inbound until the store "
				+ "works again", ex);
		this.lastError = "inbound store failed: " + describe(ex);
		this.inboundPaused = true;
		this.storeProbing = true;
		probeStore(connection);
	}

	private void probeStore(int connection) {
		this.storeExecutor.schedule(() -> {
			long cursor;
			try {
				cursor = this.inbound.lastSeq();
			}
			catch (RuntimeException ex) {
				logger.debug("Inbound store still failing", ex);
				probeStore(connection);
				return;
			}
			post(() -> {
				this.storeProbing = false;
				if (connection == this.generation && this.session != null) {
					logger.info("Inbound store of user '" + userId() + "' works again; resuming after seq " + cursor);
					this.durableCursor = cursor;
					resumeInbound(cursor);
				}
			});
		}, STORE_PROBE_MILLIS, TimeUnit.MILLISECONDS);
	}

	private void resumeInbound(long cursor) {
		this.inboundPaused = false;
		this.inboundCursor = cursor;
		this.resumeRequested = true;
		send(new ResumeFrame(clientId(), cursor));
	}

	private void onError(ErrorFrame error) {
		Long seq = error.seq();
		if (seq == null) {
			this.lastError = "hub error " + error.code() + ": " + error.message();
			logger.warn("Hub reported an error: " + error.code() + ": " + error.message());
			return;
		}
		long bound = Math.max(this.highestSent, this.relay.highestSeq());
		if (seq > bound) {
			this.counters.invalidFrames.incrementAndGet();
			logger.warn("Hub rejected outbound seq " + seq + ", which was never sent (highest " + bound + "); ignored");
			return;
		}
		logger.warn("Hub rejected outbound event seq " + seq + " (" + error.code() + "): " + error.message());
		this.relay.rejected(seq, error.code(), error.message());
	}

	private void onMeta(MetaFrame meta) {
		if (MetaFrame.PONG.equals(meta.event())) {
			return;
		}
		notifyAll(this.metaListeners, meta, "Meta");
	}

	// --- outbound --------------------------------------------------------------------------

	@Override
	public SendHandle sendEvent(String event, @Nullable Object payload) {
		return sendEvent(event, payload, SendOptions.defaults());
	}

	@Override
	public SendHandle sendEvent(String event, @Nullable Object payload, SendOptions options) {
		if (event == null || event.isBlank()) {
			throw new IllegalArgumentException("Event name must not be blank");
		}
		JsonNode json;
		try {
			json = this.codec.toPayload(payload);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Payload of event '" + event + "' cannot be converted to JSON: "
					+ ex.getMessage(), ex);
		}
		DeliveryStrategy strategy = Objects.requireNonNullElse(options.deliveryStrategy(),
				this.settings.defaultDeliveryStrategy());
		String key = Objects.requireNonNullElseGet(options.idempotencyKey(), () -> UUID.randomUUID().toString());
		OutboundMessage message = new OutboundMessage(key, event, json, this.clock.instant());
		if (strategy == DeliveryStrategy.AT_MOST_ONCE) {
			// no seq: the frame as it will be sent, encoded once
			String frame = this.codec.encode(new EventFrame(null, clientId(), key, event, json, message.createdAt()));
			checkFrameSize(event, FrameSizes.utf8Length(frame));
			CompletableFuture<Acknowledgement> future = new CompletableFuture<>();
			SendHandle handle = accepted(message, new SendHandle(key, strategy, future));
			this.atMostOnce.add(new AtMostOnce(key, frame, future));
			if (this.atMostOnceScheduled.compareAndSet(false, true)) {
				post(this::sendAtMostOnce);
			}
			return handle;
		}
		checkFrameSize(event, FrameSizes.maxEventFrameBytes(this.codec, clientId(), key, event, json,
				message.createdAt()));
		SendTracker.Handle tracked = this.tracker.track(key);
		boolean added;
		try {
			added = this.outbound.enqueue(message, strategy == DeliveryStrategy.AT_LEAST_ONCE, new EnqueueOutcome() {

				@Override
				public void claimable() {
					DefaultRealtimeClient.this.relay.wake();
				}

				@Override
				public void discarded() {
					if (DefaultRealtimeClient.this.tracker.forget(key, tracked)) {
						tracked.future().completeExceptionally(
								new EventRejectedException(key, "rolled_back", "the sender's transaction rolled back"));
					}
				}

			});
		}
		catch (RuntimeException ex) {
			this.tracker.forget(key, tracked);
			throw ex;
		}
		SendHandle handle = new SendHandle(key, strategy, tracked.future());
		// an event with the key of a pending one is that event: one delivery, one handle
		return added ? accepted(message, handle) : handle;
	}

	private SendHandle accepted(OutboundMessage message, SendHandle handle) {
		for (SendListener listener : this.sendListeners) {
			try {
				listener.accepted(message, handle);
			}
			catch (RuntimeException ex) {
				logger.warn("Send listener failed", ex);
			}
		}
		return handle;
	}

	private void checkFrameSize(String event, long frameBytes) {
		if (frameBytes > this.settings.maxFrameSize()) {
			throw new EventTooLargeException(event, frameBytes, this.settings.maxFrameSize());
		}
	}

	/**
	 * Send the at-most-once events queued since the last time, several to a frame when the
	 * sender is faster than the connection.
	 */
	private void sendAtMostOnce() {
		this.atMostOnceScheduled.set(false);
		List<AtMostOnce> queued = new ArrayList<>();
		for (AtMostOnce next = this.atMostOnce.poll(); next != null; next = this.atMostOnce.poll()) {
			queued.add(next);
		}
		boolean connected = this.state == ConnectionState.CONNECTED && this.session != null;
		int next = 0;
		for (FramePacker.Packed packed : FramePacker.pack(queued.stream().map(AtMostOnce::frame).toList(),
				this.settings.batchSize(), this.settings.maxFrameSize())) {
			boolean sent = connected && send(packed.text());
			for (AtMostOnce event : queued.subList(next, next + packed.frames())) {
				if (sent) {
					event.future().complete(new Acknowledgement(event.key(), null, null));
				}
				else {
					event.future().completeExceptionally(new EventRejectedException(event.key(), "not_connected",
							"at-most-once event dropped: " + (connected ? "the connection broke" : "not connected")));
				}
			}
			if (sent) {
				this.counters.sent.addAndGet(packed.frames());
			}
			next += packed.frames();
		}
	}

	@Override
	public long pendingCount() {
		return this.outbound.pendingCount();
	}

	/**
	 * Run an action on the loop thread, unless the client was closed: transport callbacks and
	 * commits may still arrive after {@link #close()}.
	 */
	private void post(Runnable action) {
		try {
			this.loop.execute(action);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Realtime client '" + userId() + "' is closed; ignoring a late callback");
		}
	}

	private boolean send(Frame frame) {
		return send(this.codec.encode(frame));
	}

	/**
	 * Send frames of events the relay claimed for this connection; if it is gone, the next one
	 * resends them.
	 */
	private void sendEvents(int connection, List<String> frames, int events, long lastSeq) {
		if (connection != this.generation || !this.resumed) {
			return;
		}
		for (String frame : frames) {
			if (!send(frame)) {
				return;
			}
		}
		this.highestSent = Math.max(this.highestSent, lastSeq);
		this.counters.sent.addAndGet(events);
	}

	private boolean send(String text) {
		TransportSession current = this.session;
		if (current == null || this.sendFailed) {
			return false;
		}
		try {
			current.send(text);
			return true;
		}
		catch (IOException | RuntimeException ex) {
			sendFailed("send failed: " + describe(ex));
			return false;
		}
	}

	/**
	 * A send fails when the hub has just closed the connection, before its close frame is
	 * handled: stop sending and give the close code (4001 means refresh and reconnect at once) a
	 * moment to arrive before treating the connection as lost.
	 */
	private void sendFailed(String reason) {
		this.sendFailed = true;
		this.resumed = false;
		int connection = this.generation;
		this.loop.schedule(() -> {
			if (connection == this.generation && this.sendFailed) {
				connectionLost(reason);
			}
		}, CLOSE_FRAME_GRACE_MILLIS, TimeUnit.MILLISECONDS);
	}

	// --- listeners -------------------------------------------------------------------------

	@Override
	public Subscription onConnectionStateChange(Consumer<ConnectionStateChange> listener) {
		return register(this.stateListeners, listener);
	}

	@Override
	public Subscription onMessage(Consumer<InboundMessage> listener) {
		return this.dispatcher.addListener(listener);
	}

	@Override
	public Subscription onAck(Consumer<Acknowledgement> listener) {
		return register(this.ackListeners, listener);
	}

	/**
	 * Register a listener told, after each reconnect, how long the client was without a
	 * connection: from losing it to being connected and resumed again. Called on the
	 * connection's thread: keep it short.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onReconnected(Consumer<Duration> listener) {
		return register(this.reconnectListeners, listener);
	}

	/**
	 * Register a listener told about every event accepted by {@code sendEvent}, on the
	 * sender's thread.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onSend(SendListener listener) {
		return register(this.sendListeners, listener);
	}

	/**
	 * Register a listener told when the inbound store was reset because the client was too far
	 * behind; the application should reload its state.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onSyncReset(Consumer<SyncResetEvent> listener) {
		return register(this.resetListeners, listener);
	}

	/**
	 * Return the progress of the resume catch-up: whether the client has received every page
	 * of what it missed, and a listener registry for completed catch-ups.
	 * @return the sync progress
	 */
	@Override
	public SyncProgress syncProgress() {
		return this.sync;
	}

	/**
	 * Register a listener for ephemeral {@code meta} signals from the hub (presence, typing),
	 * called on the connection's thread: keep it short.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	@Override
	public Subscription onMeta(Consumer<MetaFrame> listener) {
		return register(this.metaListeners, listener);
	}

	/**
	 * Send an ephemeral {@code meta} signal if connected; it is never stored nor resent.
	 * @param event the signal, for example {@code typing.start}
	 * @param payload the payload
	 * @return a future completed with whether the signal was written to the connection
	 */
	@Override
	public CompletableFuture<Boolean> sendMeta(String event, @Nullable Object payload) {
		MetaFrame frame = new MetaFrame(event, this.codec.toPayload(payload));
		return CompletableFuture.supplyAsync(() -> this.resumed && send(frame), this.loop);
	}

	private static <T> void notifyAll(List<Consumer<T>> listeners, T value, String kind) {
		for (Consumer<T> listener : listeners) {
			try {
				listener.accept(value);
			}
			catch (RuntimeException ex) {
				logger.warn(kind + " listener failed", ex);
			}
		}
	}

	private static <T> Subscription register(List<T> listeners, T listener) {
		listeners.add(listener);
		return () -> listeners.remove(listener);
	}

	// --- helpers ---------------------------------------------------------------------------

	private static void cancel(@Nullable ScheduledFuture<?> task) {
		if (task != null) {
			task.cancel(false);
		}
	}

	private static Throwable unwrap(Throwable failure) {
		Throwable current = failure;
		while ((current instanceof java.util.concurrent.CompletionException || current instanceof ExecutionException)
				&& current.getCause() != null) {
			current = current.getCause();
		}
		return current;
	}

	private static String describe(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	@Override
	public String toString() {
		return "DefaultRealtimeClient[user=" + userId() + ", state=" + this.state + "]";
	}

	private final class Listener implements Transport.TransportListener {

		private final int connection;

		Listener(int connection) {
			this.connection = connection;
		}

		@Override
		public void onText(String text) {
			DefaultRealtimeClient.this.lastReceivedNanos = System.nanoTime();
			post(() -> {
				if (this.connection == DefaultRealtimeClient.this.generation) {
					DefaultRealtimeClient.this.onText(text);
				}
			});
		}

		@Override
		public void onClosed(int code, String reason) {
			post(() -> {
				if (this.connection == DefaultRealtimeClient.this.generation) {
					DefaultRealtimeClient.this.onClosed(code, reason);
				}
			});
		}

	}

	/**
	 * An at-most-once event, encoded, waiting to be sent.
	 */
	private record AtMostOnce(String key, String frame, CompletableFuture<Acknowledgement> future) {
	}

}

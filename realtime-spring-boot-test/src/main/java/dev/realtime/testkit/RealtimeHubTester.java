package dev.realtime.testkit;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationContext;

import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.DefaultHub;
import dev.realtime.protocol.CloseCodes;

/**
 * What a test sees of the embedded hub and how it misbehaves on purpose: the events the
 * hub received from each user (once each, with how often each arrived), pushes to users
 * and rooms, connection state, and fault controls. Injected into a test of
 * {@link AutoConfigureRealtimeHub} with {@code @Autowired} (it is no bean of the
 * application), or as a parameter with {@link RealtimeHubExtension}. Faults and records
 * are reset before every test method; what the hub stored is kept, as a real hub keeps it
 * while the application's clients hold their cursors.
 */
public final class RealtimeHubTester {

	/** How long {@code awaitReceived} waits unless told. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private static final Log logger = LogFactory.getLog(RealtimeHubTester.class);

	private final EmbeddedRealtimeHub hub;

	RealtimeHubTester(EmbeddedRealtimeHub hub) {
		this.hub = hub;
	}

	/**
	 * Return the tester of the embedded hub an application context is pointed at.
	 * @param context a context started with {@link AutoConfigureRealtimeHub} or
	 * {@link RealtimeHubInitializer}
	 * @return the tester
	 * @throws IllegalArgumentException if the context has no embedded hub
	 */
	public static RealtimeHubTester of(ApplicationContext context) {
		RealtimeHubTester tester = RealtimeHubContextCustomizer.testerOf(context);
		if (tester == null) {
			throw new IllegalArgumentException(
					"The context has no embedded realtime hub: annotate the test with @AutoConfigureRealtimeHub");
		}
		return tester;
	}

	/**
	 * Return the WebSocket URL of the hub, as {@code realtime.url} points at it.
	 * @return the URL
	 */
	public URI url() {
		return this.hub.url();
	}

	/**
	 * Return a token the hub accepts for a user, for clients a test connects itself.
	 * @param userId the user
	 * @return the token
	 */
	public String tokenFor(String userId) {
		return TestHubTokens.tokenFor(userId);
	}

	// --- what the hub received

	/**
	 * Return the events the hub accepted from a user's clients since the last reset, in
	 * the order of each client's seqs.
	 * @param userId the sending user
	 * @return the events, each once however often it was sent
	 */
	public List<ReceivedEvent> received(String userId) {
		List<ReceivedEvent> events = new ArrayList<>();
		for (String clientId : this.hub.recorder().clientsOf(userId)) {
			events.addAll(receivedFrom(clientId));
		}
		events.sort(Comparator.comparing(ReceivedEvent::clientId).thenComparingLong(ReceivedEvent::seq));
		return events;
	}

	/**
	 * Return the events any user sent to a room (their payload's {@code room}) since the
	 * last reset.
	 * @param room the room
	 * @return the events, each once
	 */
	public List<ReceivedEvent> receivedInRoom(String room) {
		List<ReceivedEvent> events = new ArrayList<>();
		for (String clientId : this.hub.recorder().clients()) {
			for (ReceivedEvent event : receivedFrom(clientId)) {
				if (event.payload().path("room").isString()
						&& room.equals(event.payload().path("room").stringValue())) {
					events.add(event);
				}
			}
		}
		return events;
	}

	private List<ReceivedEvent> receivedFrom(String clientId) {
		Map<Long, Integer> arrivals = this.hub.recorder().arrivals(clientId);
		List<ReceivedEvent> events = new ArrayList<>();
		for (AcceptedEvent accepted : this.hub.hub().acceptedEvents(clientId)) {
			Integer times = arrivals.get(accepted.seq());
			if (times != null) {
				events.add(new ReceivedEvent(accepted.userId(), clientId, accepted.seq(), accepted.idempotencyKey(),
						accepted.event(), accepted.payload(), times));
			}
		}
		return events;
	}

	/**
	 * Wait until the hub received at least a number of events from a user.
	 * @param userId the sending user
	 * @param count how many events to wait for
	 * @return the events received by then
	 */
	public List<ReceivedEvent> awaitReceived(String userId, int count) {
		return awaitReceived(userId, (events) -> events.size() >= count, DEFAULT_TIMEOUT);
	}

	/**
	 * Wait until the events the hub received from a user match a condition.
	 * @param userId the sending user
	 * @param condition what the received events must satisfy
	 * @param timeout how long to wait before failing
	 * @return the events received by then
	 */
	public List<ReceivedEvent> awaitReceived(String userId, Predicate<List<ReceivedEvent>> condition,
			Duration timeout) {
		return Awaitility.await("events received from '" + userId + "'")
			.atMost(timeout)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> received(userId), condition);
	}

	/**
	 * Return how often events of a user arrived again after their first arrival, since
	 * the last reset.
	 * @param userId the sending user
	 * @return the number of resends the hub saw
	 */
	public int resends(String userId) {
		int resends = 0;
		for (String clientId : this.hub.recorder().clientsOf(userId)) {
			for (int times : this.hub.recorder().arrivals(clientId).values()) {
				resends += times - 1;
			}
		}
		return resends;
	}

	// --- pushes

	/**
	 * Append an event to a user's stream and deliver it to the user's open connections.
	 * @param userId the receiving user
	 * @param event the event name
	 * @param payload a JSON-mappable payload, or {@code null} for an empty object
	 * @return the event's seq in the user's stream
	 */
	public long push(String userId, String event, @Nullable Object payload) {
		return this.hub.hub().push(userId, event, payload);
	}

	/**
	 * Push an event to every member of a room (the users who sent to it or joined it).
	 * @param room the room
	 * @param event the event name
	 * @param payload a JSON-mappable payload, or {@code null} for an empty object
	 * @return how many members it was pushed to
	 */
	public int pushToRoom(String room, String event, @Nullable Object payload) {
		int pushed = 0;
		for (String member : this.hub.hub().roomMembers(room)) {
			push(member, event, payload);
			pushed++;
		}
		return pushed;
	}

	// --- connections

	/**
	 * Return whether a user has an open connection to the hub.
	 * @param userId the user
	 * @return whether it is connected
	 */
	public boolean isConnected(String userId) {
		return this.hub.hub().connectedUsers().contains(userId);
	}

	/**
	 * Wait until a user has an open connection to the hub.
	 * @param userId the user
	 */
	public void awaitConnected(String userId) {
		Awaitility.await("'" + userId + "' connected").atMost(DEFAULT_TIMEOUT).until(() -> isConnected(userId));
	}

	/**
	 * Return how many connections a user opened since the last reset.
	 * @param userId the user
	 * @return the count
	 */
	public int connectionsOpened(String userId) {
		return this.hub.recorder().connectionsOpened(userId);
	}

	/**
	 * Return the close code of each of a user's connections that closed since the last
	 * reset.
	 * @param userId the user
	 * @return the codes, in order
	 */
	public List<Integer> closeCodes(String userId) {
		return this.hub.recorder().closeCodes(userId);
	}

	// --- faults

	/**
	 * Drop every open connection now (close code 1001: the clients reconnect with backoff
	 * and resend what was not acked).
	 */
	public void dropConnections() {
		closeAll(CloseCodes.GOING_AWAY, "dropped by the test");
	}

	/**
	 * Drop a user's open connections now.
	 * @param userId the user
	 */
	public void dropConnections(String userId) {
		this.hub.hub().closeSessions(userId, CloseCodes.GOING_AWAY, "dropped by the test");
	}

	/**
	 * Drop the connection that carries every Nth event from now on: the hub gets the
	 * events of its message before the Nth, the Nth and the rest are lost with the
	 * connection, and the client resends them.
	 * @param events how many events between two drops, 0 to stop dropping
	 */
	public void dropEvery(int events) {
		this.hub.faults().eventsSeen.set(0);
		this.hub.faults().dropEvery = events;
	}

	/**
	 * Refuse the next handshakes with an HTTP status.
	 * @param count how many handshakes to refuse
	 * @param status the status, for example 503 or 401
	 */
	public void refuseHandshakes(int count, int status) {
		this.hub.faults().refusalStatus = status;
		this.hub.faults().refusedHandshakes.set(count);
	}

	/**
	 * Expire the tokens of every open connection now: the hub closes them with 4001 and
	 * the clients refresh their token and reconnect at once.
	 */
	public void expireTokens() {
		closeAll(CloseCodes.TOKEN_EXPIRED, "token expired");
	}

	/**
	 * Expire the tokens of every open connection at a fixed rate, as
	 * {@link #expireTokens()} does once, until the next reset.
	 * @param interval the time between two expiries, or {@code null} to stop
	 */
	public void expireTokensEvery(@Nullable Duration interval) {
		HubFaults faults = this.hub.faults();
		ScheduledFuture<?> previous = faults.periodicExpiry;
		if (previous != null) {
			previous.cancel(false);
		}
		faults.periodicExpiry = (interval != null) ? this.hub.scheduler()
			.scheduleAtFixedRate(this::expireTokensQuietly, interval.toMillis(), interval.toMillis(),
					TimeUnit.MILLISECONDS)
				: null;
	}

	private void expireTokensQuietly() {
		try {
			expireTokens();
		}
		catch (RuntimeException ex) {
			// a failed run would end the periodic task: the next one tries again
			logger.warn("Expiring the tokens of the embedded hub's connections failed: " + ex);
		}
	}

	/**
	 * Make the tokens of the connections opened from now on expire this long after their
	 * handshake (the hub closes them with 4001, as for a real token's expiry).
	 * @param lifetime the tokens' lifetime, or {@code null} for tokens that never expire
	 */
	public void tokenLifetime(@Nullable Duration lifetime) {
		this.hub.faults().tokenLifetime = lifetime;
	}

	/**
	 * Hand events to the hub this long after they arrive, so their acks come that much
	 * later.
	 * @param delay the delay, or {@code null} for none
	 */
	public void delayAcks(@Nullable Duration delay) {
		this.hub.faults().ackDelay = delay;
	}

	/**
	 * Keep events arriving from now on from the hub, so that they are never acked, until
	 * {@link #releaseAcks()}; their clients resend them on their next connections.
	 */
	public void withholdAcks() {
		this.hub.faults().withholdAcks = true;
	}

	/**
	 * Stop withholding acks and drop the connections that held events back, so that their
	 * clients resend.
	 */
	public void releaseAcks() {
		this.hub.faults().withholdAcks = false;
		dropConnections();
	}

	/**
	 * Reject the event with this idempotency key with an error code, for good, as the hub
	 * rejects an invalid event.
	 * @param idempotencyKey the key of the event to reject
	 * @param errorCode the code, for example {@code invalid_event}
	 */
	public void rejectEvent(String idempotencyKey, String errorCode) {
		this.hub.faults().rejections.put(idempotencyKey, errorCode);
	}

	/**
	 * Pause the hub: drop every connection and refuse handshakes with 503 until
	 * {@link #resume()}.
	 */
	public void pause() {
		this.hub.faults().paused = true;
		dropConnections();
	}

	/**
	 * Accept handshakes again after {@link #pause()}.
	 */
	public void resume() {
		this.hub.faults().paused = false;
	}

	/**
	 * Stop the hub and start it again on the same port.
	 * @param keepStore whether the new hub finds what the old one stored; without it the
	 * clients' cursors are ahead of the hub's streams and they reset
	 */
	public void restart(boolean keepStore) {
		this.hub.restart(keepStore);
	}

	/**
	 * Clear every fault and record; what the hub stored is kept.
	 */
	public void reset() {
		this.hub.faults().clear();
		this.hub.recorder().clear();
	}

	private void closeAll(int code, String reason) {
		DefaultHub hub = this.hub.hub();
		for (String userId : hub.connectedUsers()) {
			hub.closeSessions(userId, code, reason);
		}
	}

}

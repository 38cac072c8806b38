package dev.realtime.hub;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import dev.realtime.hub.HubEventAcceptor.Accepted;
import dev.realtime.hub.HubSession.ResumeAnswer;
import dev.realtime.hub.ValidatedEvent.Audience;
import dev.realtime.protocol.EventFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MessageElement;

/**
 * The hub's service layer, the one entry the rest of the hub calls: registers clients,
 * accepts their events ({@link HubEventAcceptor}), pushes the application's events,
 * answers resumes ({@link HubResumePager}), hands committed events to the open sessions
 * and purges expired ones. Every change commits before anything is acked or delivered.
 */
public class DefaultHub implements Hub {

	/**
	 * Transactions accepting events at once: few, so that each commits the runs of many
	 * connections (leaving the rest of the database pool to acks and resumes).
	 */
	private static final int INGEST_WRITERS = 4;

	private final HubStore store;

	private final HubSessionRegistry sessions;

	private final HubBus bus;

	private final HubRooms rooms;

	private final TransactionTemplate transactions;

	private final FrameCodec codec;

	private final HubProperties properties;

	private final Clock clock;

	private final HubStreamFanOut fanOut;

	private final HubGroupCommit ingest;

	private final HubResumePager resumePager;

	private volatile HubMetrics metrics = HubMetrics.NONE;

	DefaultHub(HubStore store, HubSessionRegistry sessions, HubBus bus, HubRooms rooms,
			PlatformTransactionManager transactionManager, FrameCodec codec, HubProperties properties, Clock clock) {
		this.store = store;
		this.sessions = sessions;
		this.bus = bus;
		this.rooms = rooms;
		bus.listen(sessions, rooms, this::metrics);
		this.transactions = new TransactionTemplate(transactionManager);
		this.codec = codec;
		this.properties = properties;
		this.clock = clock;
		// the collaborators report to the metrics set at the time, not at construction
		this.fanOut = new HubStreamFanOut(store, rooms, this::metrics);
		this.ingest = new HubGroupCommit(new HubEventAcceptor(store, new HubEventValidator(rooms, codec, properties),
				this.fanOut, this.transactions, clock), INGEST_WRITERS);
		this.resumePager = new HubResumePager(store, properties, this::metrics);
	}

	FrameCodec codec() {
		return this.codec;
	}

	HubProperties properties() {
		return this.properties;
	}

	HubSessionRegistry sessions() {
		return this.sessions;
	}

	HubBus bus() {
		return this.bus;
	}

	HubStore store() {
		return this.store;
	}

	HubRooms rooms() {
		return this.rooms;
	}

	HubMetrics metrics() {
		return this.metrics;
	}

	/**
	 * Report to these metrics from now on ({@link HubMetrics#NONE} by default).
	 * @param metrics the metrics
	 */
	public void setMetrics(HubMetrics metrics) {
		this.metrics = metrics;
	}

	// --- Hub API
	// ---------------------------------------------------------------------------

	@Override
	public long push(String userId, String event, @Nullable Object payload) {
		if (!EventFields.isEventName(event)) {
			throw new IllegalArgumentException("Event name '" + event + "' is not valid");
		}
		JsonNode json = this.codec.toPayload(payload);
		ValidatedEvent pushed = new ValidatedEvent(new EventFrame(null, null, null, event, json, null),
				this.codec.mapper().writeValueAsString(json), Audience.SENDER, null);
		Instant now = this.clock.instant();
		this.store.ensureUser(userId, now);
		Map<String, List<StreamEvent>> deliveries = this.transactions
			.execute((status) -> this.fanOut.pushed(List.of(userId), List.of(pushed), now));
		this.metrics.eventsDelivered(this.bus.deliver(deliveries));
		List<StreamEvent> delivered = Objects.requireNonNull(deliveries.get(userId),
				"a push is fanned out to its user");
		return delivered.get(0).seq();
	}

	@Override
	public List<AcceptedEvent> acceptedEvents(String clientId) {
		return this.store.acceptedEvents(clientId);
	}

	@Override
	public int closeSessions(String userId, int closeCode, String reason) {
		return this.sessions.close(userId, closeCode, reason);
	}

	@Override
	public Set<String> roomMembers(String room) {
		return this.rooms.members(room);
	}

	@Override
	public Set<String> connectedUsers() {
		return this.sessions.connectedUsers();
	}

	// --- used by the handshake and the handler
	// ---------------------------------------------

	/**
	 * A session opened: this node delivers to it from now on, and the bus learns of its
	 * user's first one.
	 * @param session the session
	 */
	void opened(HubSession session) {
		if (this.sessions.add(session)) {
			this.bus.connected(session.userId());
		}
	}

	/**
	 * Send every open session of this node what it missed of its user's stream: the
	 * periodic check that turns live fan-out lost between nodes into a catch-up.
	 * @return how many events were sent
	 */
	int catchUp() {
		Map<String, Long> heads = new HashMap<>();
		int sent = 0;
		for (HubSession session : this.sessions.all()) {
			long head = heads.computeIfAbsent(session.userId(), (user) -> this.store.userStream(user).lastSeq());
			sent += session.catchUp(head, this.store);
		}
		this.metrics.eventsDelivered(sent);
		return sent;
	}

	/**
	 * Register the user and bind the client to it.
	 * @param clientId the client's {@code client_id}
	 * @param userId the user the client connected as
	 * @return whether the client belongs to the user (false: bound to another user)
	 */
	boolean register(String clientId, String userId) {
		Instant now = this.clock.instant();
		this.store.ensureUser(userId, now);
		return this.store.bindClient(clientId, userId, now).equals(userId);
	}

	/**
	 * Accept a run of events received on one connection, in one transaction with what
	 * other connections sent meanwhile.
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param events the events as received, each decoded or with the seq to reject
	 * @return the ack, the rejections and the deliveries to push
	 */
	Accepted accept(String clientId, String userId, List<MessageElement> events) {
		return this.ingest.accept(clientId, userId, events);
	}

	/**
	 * Answer a resume: the client's accepted seq, and the next page of the user's stream
	 * after its cursor, or a reset when events it needs were already purged.
	 * @param clientId the client's {@code client_id}
	 * @param userId the user the client connected as
	 * @param lastAckSeq the client's cursor: the last seq of the user's stream it stored
	 * @return the answer
	 */
	ResumeAnswer resume(String clientId, String userId, long lastAckSeq) {
		return this.resumePager.resume(clientId, userId, lastAckSeq);
	}

	/**
	 * Record that a client of the user stored every event up to the seq.
	 * @param userId the user
	 * @param ackSeq the highest seq the client acked
	 */
	void delivered(String userId, long ackSeq) {
		this.store.recordDelivered(userId, ackSeq);
	}

	/**
	 * Delete stream events older than the retention window.
	 * @return how many stream events were deleted
	 */
	public int purgeExpired() {
		Instant cutoff = this.clock.instant().minus(this.properties.getRetention());
		Integer purged = this.transactions.execute((status) -> this.store.purgeBefore(cutoff));
		return (purged != null) ? purged : 0;
	}

}

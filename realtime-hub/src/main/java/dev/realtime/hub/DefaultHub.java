package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import dev.realtime.hub.HubSession.ResumeAnswer;
import dev.realtime.hub.HubStore.NewAcceptedEvent;
import dev.realtime.hub.HubStore.NewMessage;
import dev.realtime.hub.HubStore.NewStreamEvent;
import dev.realtime.hub.HubStore.UserStream;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MessageElement;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * The hub's service layer: accepts and deduplicates client events, fans them out into
 * users' streams, answers resumes, and hands committed events to the open sessions. Every
 * change commits before anything is acked or delivered.
 */
public class DefaultHub implements Hub {

	private final HubStore store;

	private final HubSessionRegistry sessions;

	private final HubRooms rooms;

	private final TransactionTemplate transactions;

	private final FrameCodec codec;

	private final HubProperties properties;

	private final Clock clock;

	private volatile HubMetrics metrics = HubMetrics.NONE;

	DefaultHub(HubStore store, HubSessionRegistry sessions, HubRooms rooms,
			PlatformTransactionManager transactionManager, FrameCodec codec, HubProperties properties, Clock clock) {
		this.store = store;
		this.sessions = sessions;
		this.rooms = rooms;
		this.transactions = new TransactionTemplate(transactionManager);
		this.codec = codec;
		this.properties = properties;
		this.clock = clock;
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
		Candidate candidate = new Candidate(new EventFrame(null, null, null, event, json, null),
				this.codec.mapper().writeValueAsString(json), Audience.SENDER, null);
		Instant now = this.clock.instant();
		this.store.ensureUser(userId, now);
		Map<String, List<StreamEvent>> deliveries = this.transactions
			.execute((status) -> fanOut(List.of(userId), List.of(candidate), null, now));
		this.metrics.eventsDelivered(this.sessions.deliver(deliveries));
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
	 * Accept a run of events received on one connection, in one transaction.
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param events the events as received, each decoded or with the seq to reject
	 * @return the ack, the rejections and the deliveries to push
	 */
	Accepted accept(String clientId, String userId, List<MessageElement> events) {
		List<Candidate> candidates = new ArrayList<>(events.size());
		for (MessageElement element : events) {
			if (element.frame() instanceof EventFrame event) {
				candidates.add(validate(clientId, userId, event));
			}
			else {
				// undecodable but with a seq: rejected for good, and it still counts
				// toward the ack
				EventFrame placeholder = new EventFrame(element.rejectedSeq(), null, null, "invalid",
						this.codec.toPayload(null), null);
				candidates.add(Candidate.rejected(placeholder, new ErrorFrame(ErrorFrame.INVALID_EVENT,
						String.valueOf(element.problem()), element.rejectedSeq())));
			}
		}
		try {
			return this.transactions.execute((status) -> acceptInTransaction(clientId, userId, candidates));
		}
		catch (DuplicateKeyException ex) {
			// another connection of the user stored the same key concurrently: the retry
			// sees it
			return this.transactions.execute((status) -> acceptInTransaction(clientId, userId, candidates));
		}
	}

	private Accepted acceptInTransaction(String clientId, String userId, List<Candidate> candidates) {
		Instant now = this.clock.instant();
		boolean sequenced = candidates.stream().anyMatch((c) -> c.frame().seq() != null);
		long accepted = sequenced ? this.store.lockClient(clientId) : 0;
		Set<String> keys = new HashSet<>();
		Set<Long> resent = new HashSet<>();
		for (Candidate candidate : candidates) {
			Long seq = candidate.frame().seq();
			if (seq != null && candidate.error() == null && candidate.frame().idempotencyKey() != null) {
				if (seq > accepted) {
					keys.add(candidate.frame().idempotencyKey());
				}
				else {
					resent.add(seq);
				}
			}
		}
		Set<String> known = keys.isEmpty() ? Set.of() : this.store.existingKeys(userId, keys);
		Map<Long, String> resentKeys = resent.isEmpty() ? Map.of() : this.store.acceptedKeys(clientId, resent);
		Set<String> batchKeys = new HashSet<>();
		List<ErrorFrame> errors = new ArrayList<>();
		List<Candidate> toStore = new ArrayList<>();
		for (Candidate candidate : candidates) {
			EventFrame frame = candidate.frame();
			Long seq = frame.seq();
			if (seq == null) {
				if (candidate.error() != null) {
					errors.add(candidate.error());
				}
				else {
					toStore.add(candidate);
				}
				continue;
			}
			if (seq <= accepted) {
				String acceptedKey = resentKeys.get(seq);
				if (acceptedKey != null && !acceptedKey.equals(frame.idempotencyKey())) {
					// the seq stood for another event: never acked as a duplicate of it
					errors.add(new ErrorFrame(ErrorFrame.SEQ_CONFLICT,
							"Seq " + seq + " was accepted with another idempotency_key; this event was not accepted",
							seq));
				}
				continue; // resent: already accepted (or rejected), the cumulative ack
							// covers it
			}
			// seqs may skip (the hub tolerates gaps); the ack moves past every seq seen
			accepted = seq;
			if (candidate.error() != null) {
				errors.add(candidate.error());
				continue;
			}
			String key = frame.idempotencyKey();
			if (key != null && (known.contains(key) || !batchKeys.add(key))) {
				continue; // same key under a new seq or client_id: accepted at most once
			}
			toStore.add(candidate);
		}
		Map<String, List<StreamEvent>> deliveries = toStore.isEmpty() ? Map.of()
				: fanOut(recipientsOf(userId, toStore), toStore, clientId, now, userId);
		if (sequenced) {
			this.store.updateAcceptedSeq(clientId, accepted);
		}
		return new Accepted(sequenced ? accepted : null, errors, deliveries);
	}

	private Map<String, List<StreamEvent>> fanOut(List<String> recipients, List<Candidate> candidates,
			@Nullable String clientId, Instant now) {
		return fanOut(List.of(recipients), candidates, clientId, now, null);
	}

	/**
	 * Store each event once and append it to each of its recipients' streams.
	 * @param recipients the recipients of each candidate, or a single list for all of
	 * them
	 * @param candidates the validated events
	 * @param clientId the sending client's {@code client_id}, or {@code null} to keep the
	 * one each event carries
	 * @param now the time the events are stored at
	 * @param senderUserId the user whose accepted events these are, or {@code null} for a
	 * push
	 * @return each recipient's new events, in order
	 */
	private Map<String, List<StreamEvent>> fanOut(List<List<String>> recipients, List<Candidate> candidates,
			@Nullable String clientId, Instant now, @Nullable String senderUserId) {
		SortedMap<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < candidates.size(); i++) {
			for (String user : recipientsAt(recipients, i)) {
				counts.merge(user, 1, Integer::sum);
			}
		}
		Map<String, Long> next = new HashMap<>(this.store.reserveSeqs(counts));
		List<NewMessage> messages = new ArrayList<>(candidates.size());
		List<NewStreamEvent> entries = new ArrayList<>();
		List<NewAcceptedEvent> acceptedEvents = new ArrayList<>();
		Map<String, List<StreamEvent>> deliveries = new LinkedHashMap<>();
		for (int i = 0; i < candidates.size(); i++) {
			Candidate candidate = candidates.get(i);
			EventFrame frame = candidate.frame();
			UUID messageId = UUID.randomUUID();
			String originClient = (clientId != null) ? clientId : frame.clientId();
			messages.add(new NewMessage(messageId, frame.event(), candidate.payloadJson(), originClient,
					frame.idempotencyKey(), now));
			if (senderUserId != null && clientId != null && frame.seq() != null) {
				acceptedEvents.add(new NewAcceptedEvent(clientId, frame.seq(), senderUserId, frame.idempotencyKey(),
						frame.event(), messageId, frame.timestamp(), now));
			}
			for (String user : recipientsAt(recipients, i)) {
				long seq = next.merge(user, 1L, Long::sum) - 1;
				entries.add(new NewStreamEvent(user, seq, messageId, now));
				EventFrame delivered = new EventFrame(seq, originClient, frame.idempotencyKey(), frame.event(),
						frame.payload(), now);
				deliveries.computeIfAbsent(user, (u) -> new ArrayList<>())
					.add(new StreamEvent(delivered, candidate.payloadJson().length()));
			}
		}
		this.store.insertMessages(messages);
		this.store.insertStreamEvents(entries);
		if (!acceptedEvents.isEmpty()) {
			this.store.insertAcceptedEvents(acceptedEvents);
			countAcceptedOnCommit(acceptedEvents.size());
		}
		return deliveries;
	}

	private void countAcceptedOnCommit(int count) {
		HubMetrics counted = this.metrics;
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				counted.eventsAccepted(count);
			}
		});
	}

	private static List<String> recipientsAt(List<List<String>> recipients, int index) {
		return (recipients.size() == 1) ? recipients.get(0) : recipients.get(index);
	}

	/**
	 * An event with a {@code room} goes to the room's members, the sender included. A
	 * {@code receipt.read} goes to the channel's other members, or to nobody when the
	 * reader keeps read receipts private. Anything else goes to the sender's own stream.
	 * Events to a room and receipts carry the sender's {@code user_id}, added by the hub.
	 * @param userId the sending user
	 * @param candidates the validated events
	 * @return the recipients of each candidate, in order
	 */
	private List<List<String>> recipientsOf(String userId, List<Candidate> candidates) {
		List<List<String>> recipients = new ArrayList<>(candidates.size());
		for (Candidate candidate : candidates) {
			if (candidate.audience() == Audience.MEMBERS) {
				recipients.add(List.copyOf(
						this.rooms.members(Objects.requireNonNull(candidate.room(), "a room event names its room"))));
			}
			else if (candidate.audience() == Audience.OTHER_MEMBERS) {
				recipients.add(this.rooms.sharesReadReceipts(userId)
						? List.copyOf(this.rooms.otherMembers(
								Objects.requireNonNull(candidate.room(), "a receipt names its channel"), userId))
						: List.of());
			}
			else {
				recipients.add(List.of(userId));
			}
		}
		return recipients;
	}

	private Candidate validate(String clientId, String userId, EventFrame event) {
		Long seq = event.seq();
		if (!EventFields.isEventName(event.event())) {
			return Candidate.rejected(event,
					new ErrorFrame(ErrorFrame.INVALID_EVENT, "Event name '" + abbreviate(event.event())
							+ "' is not valid: use letters, digits and . _ : / - (at most 200)", seq));
		}
		if (event.clientId() != null && !event.clientId().equals(clientId)) {
			return Candidate.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"Field client_id does not match the connection's client_id", seq));
		}
		String key = event.idempotencyKey();
		if (key != null && (key.isEmpty() || key.length() > EventFields.MAX_LENGTH)) {
			return Candidate.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"Field idempotency_key must have 1 to " + EventFields.MAX_LENGTH + " characters", seq));
		}
		String payloadJson = this.codec.mapper().writeValueAsString(event.payload());
		long maxPayload = this.properties.getMaxPayloadSize().toBytes();
		// a char is at most 3 UTF-8 bytes: count bytes only when it could matter
		if ((long) payloadJson.length() * 3 > maxPayload) {
			long bytes = payloadJson.getBytes(StandardCharsets.UTF_8).length;
			if (bytes > maxPayload) {
				return Candidate.rejected(event, new ErrorFrame(ErrorFrame.PAYLOAD_TOO_LARGE,
						"Payload has " + bytes + " bytes, the hub accepts at most " + maxPayload, seq));
			}
		}
		if (EventFrame.RECEIPT_READ.equals(event.event())) {
			return receipt(userId, event);
		}
		JsonNode room = event.payload().path("room");
		if (room.isMissingNode() || room.isNull()) {
			return new Candidate(event, payloadJson, Audience.SENDER, null);
		}
		if (!room.isString() || !ChannelFields.isId(room.stringValue())) {
			return Candidate.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"Field room must be a string of " + ChannelFields.ID_RULE, seq));
		}
		// sending to a room joins it, before its events are fanned out to the members
		if (!this.rooms.join(userId, room.stringValue())) {
			return forbidden(event, room.stringValue());
		}
		// receivers learn who wrote to the room from the hub, which authenticated the
		// sender
		return withUserId(event, userId, Audience.MEMBERS, room.stringValue());
	}

	/**
	 * Reject an event that would have joined a room the user may not join: for good, so
	 * the client dead-letters it instead of resending it.
	 * @param event the event
	 * @param room the room
	 * @return the rejection, naming the room
	 */
	private static Candidate forbidden(EventFrame event, String room) {
		return Candidate.rejected(event, new ErrorFrame(ErrorFrame.FORBIDDEN,
				"Not allowed to join room '" + abbreviate(room) + "'; the event was not accepted", event.seq()));
	}

	/**
	 * A read receipt names its message and channel; the hub adds the reader.
	 * @param userId the reader
	 * @param event the {@code receipt.read} event
	 * @return the stamped receipt, or its rejection
	 */
	private Candidate receipt(String userId, EventFrame event) {
		JsonNode messageId = event.payload().path("message_id");
		JsonNode channelId = event.payload().path("channel_id");
		if (!messageId.isString() || !channelId.isString() || !ChannelFields.isId(messageId.stringValue())
				|| !ChannelFields.isId(channelId.stringValue())) {
			return Candidate.rejected(event, new ErrorFrame(ErrorFrame.INVALID_EVENT,
					"A receipt.read payload needs message_id and channel_id strings of " + ChannelFields.ID_RULE,
					event.seq()));
		}
		// reading in a channel joins it, before the receipt is fanned out to the members
		if (!this.rooms.join(userId, channelId.stringValue())) {
			return forbidden(event, channelId.stringValue());
		}
		return withUserId(event, userId, Audience.OTHER_MEMBERS, channelId.stringValue());
	}

	/**
	 * Stamp the sender's {@code user_id} into an object payload, replacing any the client
	 * set.
	 * @param event the event, whose payload is an object
	 * @param userId the sender
	 * @param audience who receives the event
	 * @param room the room or channel the event is for, if any
	 * @return the stamped event
	 */
	private Candidate withUserId(EventFrame event, String userId, Audience audience, @Nullable String room) {
		JsonNode payload = ((ObjectNode) event.payload()).deepCopy().put("user_id", userId);
		EventFrame stamped = new EventFrame(event.seq(), event.clientId(), event.idempotencyKey(), event.event(),
				payload, event.timestamp());
		return new Candidate(stamped, this.codec.mapper().writeValueAsString(payload), audience, room);
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
		long ackSeq = this.store.acceptedSeq(clientId);
		UserStream stream = this.store.userStream(userId);
		// a cursor ahead of the stream means the hub lost data: a reset is the only way
		// back
		if (lastAckSeq < stream.purgedSeq() || lastAckSeq > stream.lastSeq()) {
			return new ResumeAnswer(new ResumeResponseFrame(ackSeq, List.of(), false, true, stream.lastSeq()), true,
					stream.lastSeq());
		}
		int pageSize = Math.max(1, this.properties.getResumePageSize());
		List<StreamEvent> page = this.store.readStream(userId, lastAckSeq, pageSize + 1);
		// the page must also fit in one frame
		long budget = this.properties.getMaxFrameSize().toBytes() - 256;
		List<EventFrame> events = new ArrayList<>();
		long size = 0;
		long cursor = lastAckSeq;
		for (StreamEvent event : page) {
			if (events.size() == pageSize || (!events.isEmpty() && size + event.approximateSize() > budget)) {
				break;
			}
			events.add(event.frame());
			size += event.approximateSize();
			cursor = event.seq();
		}
		boolean hasMore = events.size() < page.size();
		this.metrics.resumePage();
		this.metrics.eventsDelivered(events.size());
		return new ResumeAnswer(new ResumeResponseFrame(ackSeq, events, hasMore, false, stream.lastSeq()), !hasMore,
				cursor);
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

	private static String abbreviate(String text) {
		return (text.length() > 40) ? text.substring(0, 40) + "..." : text;
	}

	/**
	 * Who an accepted event goes to.
	 */
	private enum Audience {

		/** The sender's own stream. */
		SENDER,

		/** The room's members, the sender included. */
		MEMBERS,

		/** The room's members but the sender. */
		OTHER_MEMBERS

	}

	/**
	 * An event after validation.
	 *
	 * @param room the room or channel the event goes to, if any
	 */
	private record Candidate(EventFrame frame, String payloadJson, Audience audience, @Nullable String room,
			@Nullable ErrorFrame error) {

		Candidate(EventFrame frame, String payloadJson, Audience audience, @Nullable String room) {
			this(frame, payloadJson, audience, room, null);
		}

		static Candidate rejected(EventFrame frame, ErrorFrame error) {
			return new Candidate(frame, "", Audience.SENDER, null, error);
		}

	}

	/**
	 * The outcome of accepting a run of events.
	 *
	 * @param ackSeq the client's cumulative ack, or {@code null} when the run held no
	 * sequenced event
	 * @param errors rejections, in order
	 * @param deliveries each recipient's new events, to push once acked
	 */
	record Accepted(@Nullable Long ackSeq, List<ErrorFrame> errors, Map<String, List<StreamEvent>> deliveries) {
	}

}

package dev.realtime.hub;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.realtime.hub.HubStore.NewAcceptedEvent;
import dev.realtime.hub.HubStore.NewMessage;
import dev.realtime.hub.HubStore.NewStreamEvent;
import dev.realtime.hub.ValidatedEvent.Audience;
import dev.realtime.protocol.EventFrame;

/**
 * Fans events out into users' streams, inside the caller's transaction: finds who
 * receives each event, stores each event once, reserves the recipients' stream seqs and
 * appends the event to each stream. Returns what to deliver once the transaction
 * committed.
 */
class HubStreamFanOut {

	private final HubStore store;

	private final HubRooms rooms;

	private final Supplier<HubMetrics> metrics;

	HubStreamFanOut(HubStore store, HubRooms rooms, Supplier<HubMetrics> metrics) {
		this.store = store;
		this.rooms = rooms;
		this.metrics = metrics;
	}

	/**
	 * An event with a {@code room} goes to the room's members, the sender included. A
	 * {@code receipt.read} goes to the channel's other members, or to nobody when the
	 * reader keeps read receipts private. Anything else goes to the sender's own stream.
	 * @param userId the sending user
	 * @param events the validated events
	 * @return the recipients of each event, in order
	 */
	private List<List<String>> recipientsOf(String userId, List<ValidatedEvent> events) {
		List<List<String>> recipients = new ArrayList<>(events.size());
		for (ValidatedEvent event : events) {
			if (event.audience() == Audience.MEMBERS) {
				recipients.add(List
					.copyOf(this.rooms.members(Objects.requireNonNull(event.room(), "a room event names its room"))));
			}
			else if (event.audience() == Audience.OTHER_MEMBERS) {
				recipients.add(this.rooms.sharesReadReceipts(userId)
						? List.copyOf(this.rooms
							.otherMembers(Objects.requireNonNull(event.room(), "a receipt names its channel"), userId))
						: List.of());
			}
			else {
				recipients.add(List.of(userId));
			}
		}
		return recipients;
	}

	/**
	 * Store events pushed by the application and append them to the same recipients'
	 * streams.
	 * @param recipients the recipients of every event
	 * @param events the validated events
	 * @param now the time the events are stored at
	 * @return each recipient's new events, in order
	 */
	Map<String, List<StreamEvent>> pushed(List<String> recipients, List<ValidatedEvent> events, Instant now) {
		List<Outgoing> outgoing = new ArrayList<>(events.size());
		for (ValidatedEvent event : events) {
			outgoing.add(new Outgoing(event, recipients, null, null, 0));
		}
		return fanOut(outgoing, 1, now).get(0);
	}

	/**
	 * Store events clients sent, record them as accepted from their clients, and append
	 * each to its recipients' streams, all in one go (a group commit of several
	 * connections' runs).
	 * @param runs each client's events to store
	 * @param now the time the events are stored at
	 * @return for each run, in order, each recipient's new events
	 */
	List<Map<String, List<StreamEvent>>> accepted(List<Sent> runs, Instant now) {
		List<Outgoing> outgoing = new ArrayList<>();
		for (int run = 0; run < runs.size(); run++) {
			Sent sent = runs.get(run);
			List<List<String>> recipients = recipientsOf(sent.userId(), sent.events());
			for (int i = 0; i < sent.events().size(); i++) {
				outgoing
					.add(new Outgoing(sent.events().get(i), recipients.get(i), sent.clientId(), sent.userId(), run));
			}
		}
		return fanOut(outgoing, runs.size(), now);
	}

	/**
	 * Store each event once and append it to each of its recipients' streams, the seqs of
	 * every recipient reserved at once (in the users' order, so that concurrent fan-outs
	 * cannot deadlock).
	 * @param outgoing the events in the order they take their recipients' seqs
	 * @param owners how many runs the events belong to
	 * @param now the time the events are stored at
	 * @return for each run, each recipient's new events, in order
	 */
	private List<Map<String, List<StreamEvent>>> fanOut(List<Outgoing> outgoing, int owners, Instant now) {
		SortedMap<String, Integer> counts = new TreeMap<>();
		for (Outgoing event : outgoing) {
			for (String user : event.recipients()) {
				counts.merge(user, 1, Integer::sum);
			}
		}
		Map<String, Long> next = new HashMap<>(this.store.reserveSeqs(counts));
		List<NewMessage> messages = new ArrayList<>(outgoing.size());
		List<NewStreamEvent> entries = new ArrayList<>();
		List<NewAcceptedEvent> acceptedEvents = new ArrayList<>();
		List<Map<String, List<StreamEvent>>> deliveries = new ArrayList<>(owners);
		for (int i = 0; i < owners; i++) {
			deliveries.add(new LinkedHashMap<>());
		}
		for (Outgoing event : outgoing) {
			EventFrame frame = event.event().frame();
			String payloadJson = event.event().payloadJson();
			UUID messageId = UUID.randomUUID();
			String clientId = event.clientId();
			String senderUserId = event.senderUserId();
			Long sentSeq = frame.seq();
			String originClient = (clientId != null) ? clientId : frame.clientId();
			messages
				.add(new NewMessage(messageId, frame.event(), payloadJson, originClient, frame.idempotencyKey(), now));
			if (senderUserId != null && clientId != null && sentSeq != null) {
				acceptedEvents.add(new NewAcceptedEvent(clientId, sentSeq, senderUserId, frame.idempotencyKey(),
						frame.event(), messageId, frame.timestamp(), now));
			}
			for (String user : event.recipients()) {
				long seq = next.merge(user, 1L, Long::sum) - 1;
				entries.add(new NewStreamEvent(user, seq, messageId, now));
				EventFrame delivered = new EventFrame(seq, originClient, frame.idempotencyKey(), frame.event(),
						frame.payload(), now);
				deliveries.get(event.owner())
					.computeIfAbsent(user, (u) -> new ArrayList<>())
					.add(new StreamEvent(delivered, payloadJson.length()));
			}
		}
		if (!messages.isEmpty()) {
			this.store.insertMessages(messages);
		}
		if (!entries.isEmpty()) {
			this.store.insertStreamEvents(entries);
		}
		if (!acceptedEvents.isEmpty()) {
			this.store.insertAcceptedEvents(acceptedEvents);
			countAcceptedOnCommit(acceptedEvents.size());
		}
		return deliveries;
	}

	private void countAcceptedOnCommit(int count) {
		HubMetrics counted = this.metrics.get();
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCommit() {
				counted.eventsAccepted(count);
			}
		});
	}

	/**
	 * Events one client sent, to store.
	 *
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param events the validated events, in order
	 */
	record Sent(String clientId, String userId, List<ValidatedEvent> events) {
	}

	/**
	 * One event to store, with its recipients.
	 *
	 * @param event the validated event
	 * @param recipients who receives it
	 * @param clientId the sending client's {@code client_id}, or {@code null} to keep the
	 * one the event carries (a push)
	 * @param senderUserId the user whose accepted event it is, or {@code null} for a push
	 * @param owner the index of the run it belongs to
	 */
	private record Outgoing(ValidatedEvent event, List<String> recipients, @Nullable String clientId,
			@Nullable String senderUserId, int owner) {
	}

}

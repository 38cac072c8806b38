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
		return fanOut(List.of(recipients), events, null, now, null);
	}

	/**
	 * Store events a client sent, record them as accepted from it, and append each to its
	 * recipients' streams.
	 * @param events the validated events
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param now the time the events are stored at
	 * @return each recipient's new events, in order
	 */
	Map<String, List<StreamEvent>> accepted(List<ValidatedEvent> events, String clientId, String userId, Instant now) {
		return fanOut(recipientsOf(userId, events), events, clientId, now, userId);
	}

	/**
	 * Store each event once and append it to each of its recipients' streams.
	 * @param recipients the recipients of each event, or a single list for all of them
	 * @param events the validated events
	 * @param clientId the sending client's {@code client_id}, or {@code null} to keep the
	 * one each event carries
	 * @param now the time the events are stored at
	 * @param senderUserId the user whose accepted events these are, or {@code null} for a
	 * push
	 * @return each recipient's new events, in order
	 */
	private Map<String, List<StreamEvent>> fanOut(List<List<String>> recipients, List<ValidatedEvent> events,
			@Nullable String clientId, Instant now, @Nullable String senderUserId) {
		SortedMap<String, Integer> counts = new TreeMap<>();
		for (int i = 0; i < events.size(); i++) {
			for (String user : recipientsAt(recipients, i)) {
				counts.merge(user, 1, Integer::sum);
			}
		}
		Map<String, Long> next = new HashMap<>(this.store.reserveSeqs(counts));
		List<NewMessage> messages = new ArrayList<>(events.size());
		List<NewStreamEvent> entries = new ArrayList<>();
		List<NewAcceptedEvent> acceptedEvents = new ArrayList<>();
		Map<String, List<StreamEvent>> deliveries = new LinkedHashMap<>();
		for (int i = 0; i < events.size(); i++) {
			ValidatedEvent event = events.get(i);
			EventFrame frame = event.frame();
			UUID messageId = UUID.randomUUID();
			String originClient = (clientId != null) ? clientId : frame.clientId();
			messages.add(new NewMessage(messageId, frame.event(), event.payloadJson(), originClient,
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
					.add(new StreamEvent(delivered, event.payloadJson().length()));
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
		HubMetrics counted = this.metrics.get();
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

}

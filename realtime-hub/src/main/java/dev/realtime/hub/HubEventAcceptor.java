package dev.realtime.hub;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.MessageElement;

/**
 * Accepts a run of events received on one connection in one transaction: moves the
 * client's cumulative ack past every new seq, accepts each event at most once (a resent
 * seq or a known idempotency key stores nothing again, a seq reused for another event is
 * a conflict) and fans the new events out before the transaction commits.
 */
class HubEventAcceptor {

	private final HubStore store;

	private final HubEventValidator validator;

	private final HubStreamFanOut fanOut;

	private final TransactionTemplate transactions;

	private final Clock clock;

	HubEventAcceptor(HubStore store, HubEventValidator validator, HubStreamFanOut fanOut,
			TransactionTemplate transactions, Clock clock) {
		this.store = store;
		this.validator = validator;
		this.fanOut = fanOut;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * Accept a run of events received on one connection, in one transaction.
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param events the events as received, each decoded or with the seq to reject
	 * @return the ack, the rejections and the deliveries to push
	 */
	Accepted accept(String clientId, String userId, List<MessageElement> events) {
		List<ValidatedEvent> candidates = new ArrayList<>(events.size());
		for (MessageElement element : events) {
			candidates.add(this.validator.validate(clientId, userId, element));
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

	private Accepted acceptInTransaction(String clientId, String userId, List<ValidatedEvent> candidates) {
		Instant now = this.clock.instant();
		boolean sequenced = candidates.stream().anyMatch((c) -> c.frame().seq() != null);
		long accepted = sequenced ? this.store.lockClient(clientId) : 0;
		Set<String> keys = new HashSet<>();
		Set<Long> resent = new HashSet<>();
		for (ValidatedEvent candidate : candidates) {
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
		List<ValidatedEvent> toStore = new ArrayList<>();
		for (ValidatedEvent candidate : candidates) {
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
				: this.fanOut.accepted(toStore, clientId, userId, now);
		if (sequenced) {
			this.store.updateAcceptedSeq(clientId, accepted);
		}
		return new Accepted(sequenced ? accepted : null, errors, deliveries);
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

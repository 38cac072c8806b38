package dev.realtime.hub;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.hub.HubStreamFanOut.Sent;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.MessageElement;

/**
 * Accepts runs of events received on connections, several connections' runs in one
 * transaction (a group commit): moves each client's cumulative ack past every new seq,
 * accepts each event at most once (a resent seq or a known idempotency key stores nothing
 * again, a seq reused for another event is a conflict) and fans the new events out before
 * the transaction commits.
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
	 * Validate a run of events received on one connection, before it is accepted.
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param events the events as received, each decoded or with the seq to reject
	 * @return the run, to accept
	 */
	Run validate(String clientId, String userId, List<MessageElement> events) {
		List<ValidatedEvent> candidates = new ArrayList<>(events.size());
		for (MessageElement element : events) {
			candidates.add(this.validator.validate(clientId, userId, element));
		}
		return new Run(clientId, userId, candidates);
	}

	/**
	 * Accept runs of distinct users in one transaction.
	 * @param runs the runs, no two of them from the same user
	 * @return the outcome of each run, in order
	 */
	List<Accepted> accept(List<Run> runs) {
		try {
			return Objects.requireNonNull(this.transactions.execute((status) -> acceptInTransaction(runs)));
		}
		catch (DuplicateKeyException ex) {
			// another connection of a user stored the same key concurrently: the retry
			// sees it
			return Objects.requireNonNull(this.transactions.execute((status) -> acceptInTransaction(runs)));
		}
	}

	private List<Accepted> acceptInTransaction(List<Run> runs) {
		Instant now = this.clock.instant();
		// clients locked in the order of their ids, so that concurrent groups cannot
		// deadlock
		List<Integer> order = new ArrayList<>(runs.size());
		for (int i = 0; i < runs.size(); i++) {
			order.add(i);
		}
		order.sort(Comparator.comparing((Integer i) -> runs.get(i).clientId()));
		Checked[] checked = new Checked[runs.size()];
		for (int i : order) {
			checked[i] = check(runs.get(i));
		}
		List<Sent> toStore = new ArrayList<>();
		SortedMap<String, Long> acceptedSeqs = new TreeMap<>();
		for (int i = 0; i < runs.size(); i++) {
			Run run = runs.get(i);
			if (!checked[i].toStore().isEmpty()) {
				toStore.add(new Sent(run.clientId(), run.userId(), checked[i].toStore()));
			}
			Long ackSeq = checked[i].ackSeq();
			if (ackSeq != null) {
				acceptedSeqs.put(run.clientId(), ackSeq);
			}
		}
		List<Map<String, List<StreamEvent>>> deliveries = toStore.isEmpty() ? List.of()
				: this.fanOut.accepted(toStore, now);
		if (!acceptedSeqs.isEmpty()) {
			this.store.updateAcceptedSeqs(acceptedSeqs);
		}
		// the deliveries come in the order of the runs that stored something
		Iterator<Map<String, List<StreamEvent>>> delivered = deliveries.iterator();
		List<Accepted> outcomes = new ArrayList<>(runs.size());
		for (Checked run : checked) {
			outcomes
				.add(new Accepted(run.ackSeq(), run.errors(), run.toStore().isEmpty() ? Map.of() : delivered.next()));
		}
		return outcomes;
	}

	/**
	 * Lock a run's client and sort its events into those to store and those to reject.
	 * @param run the run
	 * @return what to store, the rejections and the cumulative ack
	 */
	private Checked check(Run run) {
		String clientId = run.clientId();
		List<ValidatedEvent> candidates = run.candidates();
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
		Set<String> known = keys.isEmpty() ? Set.of() : this.store.existingKeys(run.userId(), keys);
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
		return new Checked(toStore, errors, sequenced ? accepted : null);
	}

	/**
	 * A run of events received on one connection, validated.
	 *
	 * @param clientId the sending client's {@code client_id}
	 * @param userId the sending user
	 * @param candidates the events, each to accept or with its rejection
	 */
	record Run(String clientId, String userId, List<ValidatedEvent> candidates) {
	}

	private record Checked(List<ValidatedEvent> toStore, List<ErrorFrame> errors, @Nullable Long ackSeq) {
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

package dev.realtime.inbox;

import java.util.List;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.ObjectMapper;

/**
 * Inbound events parked as failed, per user: list them, return them to the listeners, or
 * delete them. Keeps the cursor's parked-event count in step.
 */
public class FailedInboundEvents {

	private final InboxRepository repository;

	private final TransactionOperations transactions;

	private final ObjectMapper mapper;

	private final Consumer<String> requeued;

	/**
	 * Create the service.
	 * @param dataSource the database that holds the inbox tables
	 * @param transactions runs the work in transactions of that database
	 * @param mapper reads stored payloads
	 * @param requeued told the user whose events were returned to the listeners, after
	 * commit, so the user's client dispatches them
	 */
	public FailedInboundEvents(DataSource dataSource, TransactionOperations transactions, ObjectMapper mapper,
			Consumer<String> requeued) {
		this.repository = new InboxRepository(dataSource);
		this.transactions = transactions;
		this.mapper = mapper;
		this.requeued = requeued;
	}

	/**
	 * Return a user's parked events in seq order.
	 * @param userId the user
	 * @param max the most events to return
	 * @return the events
	 */
	public List<FailedInboundEvent> list(String userId, int max) {
		List<StoredEvent> events = this.transactions
			.execute((status) -> this.repository.events(userId, InboxStatus.FAILED, max));
		return ((events != null) ? events : List.<StoredEvent>of()).stream()
			.map((event) -> new FailedInboundEvent(userId, event.seq(), event.event(),
					this.mapper.readTree(event.payload()), event.serverTimestamp(), event.attempts(), event.lastError(),
					event.receivedAt()))
			.toList();
	}

	/**
	 * Return a parked event to the listeners with a fresh attempt budget. It is delivered
	 * before later events that are still waiting, as it has the lower seq.
	 * @param userId the user
	 * @param seq the event's seq
	 * @return whether a parked event with that seq existed
	 */
	public boolean retry(String userId, long seq) {
		Boolean found = this.transactions.execute((status) -> {
			if (!this.repository.requeue(userId, seq)) {
				return false;
			}
			this.repository.adjustFailedCount(userId, -1);
			return true;
		});
		if (Boolean.TRUE.equals(found)) {
			this.requeued.accept(userId);
			return true;
		}
		return false;
	}

	/**
	 * Delete a parked event for good.
	 * @param userId the user
	 * @param seq the event's seq
	 * @return whether a parked event with that seq existed
	 */
	public boolean delete(String userId, long seq) {
		Boolean found = this.transactions.execute((status) -> {
			if (this.repository.deleteEvent(userId, seq, InboxStatus.FAILED) == 0) {
				return false;
			}
			this.repository.adjustFailedCount(userId, -1);
			return true;
		});
		return Boolean.TRUE.equals(found);
	}

}

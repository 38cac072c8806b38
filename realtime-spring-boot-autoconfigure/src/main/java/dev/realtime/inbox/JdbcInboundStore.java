package dev.realtime.inbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.InboundStore;

/**
 * An {@link InboundStore} in the application's database through plain JDBC: one user's
 * events in {@code realtime_inbox_event} and the resume cursor in
 * {@code realtime_inbox_cursor}. Handled events are deleted; events the listeners keep
 * failing on are parked as {@code FAILED}.
 * <p>
 * Each method runs in a transaction of its own, or joins the caller's: so
 * {@link #delivered(long)} commits with the listeners' writes when delivery runs in a
 * transaction (see {@link TransactionalInboundStore}).
 */
public class JdbcInboundStore implements InboundStore {

	private static final int MAX_ERROR_LENGTH = 1000;

	private final String userId;

	private final InboxRepository repository;

	private final TransactionOperations transactions;

	private final ObjectMapper mapper;

	private final Clock clock;

	private volatile Runnable requeued = () -> {
	};

	JdbcInboundStore(String userId, InboxRepository repository, TransactionOperations transactions, ObjectMapper mapper,
			Clock clock) {
		this.userId = userId;
		this.repository = repository;
		this.transactions = transactions;
		this.mapper = mapper;
		this.clock = clock;
	}

	@Override
	public long lastSeq() {
		return read(InboxRepository.Cursor::lastAckSeq);
	}

	@Override
	public void append(List<InboundMessage> messages) {
		if (messages.isEmpty()) {
			return;
		}
		List<String> payloads = new ArrayList<>(messages.size());
		for (InboundMessage message : messages) {
			payloads.add(this.mapper.writeValueAsString(message.payload()));
		}
		this.transactions.executeWithoutResult((status) -> {
			InboxRepository.Cursor cursor = this.repository.cursor(this.userId);
			long expected = (cursor != null) ? cursor.lastAckSeq() : 0;
			long seq = expected;
			for (InboundMessage message : messages) {
				if (message.seq() != ++seq) {
					throw new IllegalArgumentException(
							"Inbound seq " + message.seq() + " does not continue the stream at " + (seq - 1));
				}
			}
			this.repository.insert(this.userId, messages, payloads, this.clock.instant());
			this.repository.advanceCursor(this.userId, expected, seq, this.clock.instant());
		});
	}

	@Override
	public List<InboundMessage> undelivered(int max) {
		List<StoredEvent> events = this.transactions
			.execute((status) -> this.repository.events(this.userId, InboxStatus.RECEIVED, max));
		List<InboundMessage> messages = new ArrayList<>((events != null) ? events.size() : 0);
		for (StoredEvent event : (events != null) ? events : List.<StoredEvent>of()) {
			messages
				.add(new InboundMessage(this.userId, event.seq(), event.event(), this.mapper.readTree(event.payload()),
						event.serverTimestamp(), event.originClientId(), event.originIdempotencyKey()));
		}
		return messages;
	}

	@Override
	public void delivered(long seq) {
		this.transactions
			.executeWithoutResult((status) -> this.repository.deleteEvent(this.userId, seq, InboxStatus.RECEIVED));
	}

	@Override
	public boolean recordsDeliveredInRuns() {
		return true;
	}

	@Override
	public void deliveredUpTo(long seq) {
		this.transactions
			.executeWithoutResult((status) -> this.repository.deleteEventsUpTo(this.userId, seq, InboxStatus.RECEIVED));
	}

	@Override
	public boolean failed(long seq, String error, int maxAttempts) {
		String description = (error.length() > MAX_ERROR_LENGTH) ? error.substring(0, MAX_ERROR_LENGTH) : error;
		Boolean parked = this.transactions.execute((status) -> {
			if (!this.repository.recordFailure(this.userId, seq, description, maxAttempts)
					|| this.repository.status(this.userId, seq) != InboxStatus.FAILED) {
				return false;
			}
			this.repository.adjustFailedCount(this.userId, 1);
			return true;
		});
		return Boolean.TRUE.equals(parked);
	}

	@Override
	public void onRequeued(Runnable listener) {
		this.requeued = listener;
	}

	/**
	 * Wake the dispatcher: parked events were returned for another attempt.
	 */
	void requeued() {
		this.requeued.run();
	}

	@Override
	public long failedCount() {
		return read(InboxRepository.Cursor::failedCount);
	}

	/**
	 * Drop every stored event of the user, parked ones included (the application reloads
	 * its state instead), and move the cursor.
	 */
	@Override
	public void reset(long lastSeq) {
		this.transactions.executeWithoutResult((status) -> {
			this.repository.deleteEvents(this.userId);
			this.repository.resetCursor(this.userId, lastSeq, this.clock.instant());
		});
	}

	@Override
	public void clear() {
		this.transactions.executeWithoutResult((status) -> {
			this.repository.deleteEvents(this.userId);
			this.repository.deleteCursor(this.userId);
		});
	}

	private long read(ToLongFunction<InboxRepository.Cursor> column) {
		Long value = this.transactions.execute((status) -> {
			InboxRepository.Cursor cursor = this.repository.cursor(this.userId);
			return (cursor != null) ? column.applyAsLong(cursor) : 0L;
		});
		return (value != null) ? value : 0;
	}

	@Override
	public String toString() {
		return "JdbcInboundStore[user=" + this.userId + "]";
	}

}

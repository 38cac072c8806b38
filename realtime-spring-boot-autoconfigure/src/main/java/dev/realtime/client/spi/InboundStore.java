package dev.realtime.client.spi;

import java.util.List;

import dev.realtime.client.InboundMessage;

/**
 * Where one user's inbound events are stored before listeners see them, with the resume
 * cursor (the highest stored seq). The in-memory implementation forgets everything on
 * restart; the JDBC inbox keeps it in the application's database.
 * <p>
 * Called by the client's inbound processing, one call at a time; deduplication and gap
 * detection happen before {@link #append}.
 */
public interface InboundStore {

	/**
	 * Return the highest stored seq of the user's stream: the {@code last_ack_seq} for
	 * {@code resume}.
	 * @return the cursor, 0 when nothing was stored
	 */
	long lastSeq();

	/**
	 * Durably store events that continue the stream exactly ({@code lastSeq() + 1}, then
	 * +2, …) and advance the cursor to the last one, atomically.
	 * @param messages the events, contiguous and in order
	 */
	void append(List<InboundMessage> messages);

	/**
	 * Return stored events that listeners have not handled yet, in seq order.
	 * @param max the most events to return
	 * @return the events, possibly none
	 */
	List<InboundMessage> undelivered(int max);

	/**
	 * Record that listeners handled the event with this seq.
	 * @param seq the seq
	 */
	void delivered(long seq);

	/**
	 * Run the listeners on an event and, when they return normally, record it as
	 * {@link #delivered(long) delivered}. A store may run both in one transaction, so
	 * that the listeners' own writes and the delivered mark commit or roll back together.
	 * @param message the event
	 * @param listeners calls every listener; throws what a listener threw
	 */
	default void deliver(InboundMessage message, Runnable listeners) {
		listeners.run();
		delivered(message.seq());
	}

	/**
	 * Whether the dispatcher may run the listeners of several events outside any
	 * transaction of the store and then record them with one
	 * {@link #deliveredUpTo(long)}: a store whose mark is a write of its own saves one
	 * write per event; after a crash the events of the last run (at most one page) are
	 * delivered again, as at-least-once listeners allow. Stores that deliver each event
	 * in a transaction with its listeners must answer {@code false}.
	 * @return {@code false} unless the store implements {@link #deliveredUpTo(long)}
	 */
	default boolean recordsDeliveredInRuns() {
		return false;
	}

	/**
	 * Record that listeners handled every stored event up to and including this seq that
	 * is not parked as failed (only called where {@link #recordsDeliveredInRuns()}).
	 * @param seq the seq of the last event of the run
	 */
	default void deliveredUpTo(long seq) {
		throw new UnsupportedOperationException(getClass().getName() + " records deliveries one at a time");
	}

	/**
	 * Set what to run after parked events were returned to this store for another attempt
	 * other than through this interface, for example through an administrative API: the
	 * client's dispatcher registers its wake-up here, so they are delivered without
	 * waiting for the next inbound event. A store serves one client at a time: a later
	 * call replaces the earlier listener. Stores whose events change only through this
	 * interface need not implement it.
	 * @param listener quick and non-blocking; run on the thread that made the change,
	 * after it committed
	 */
	default void onRequeued(Runnable listener) {
	}

	/**
	 * Record a failed listener attempt for the event with this seq.
	 * @param seq the seq
	 * @param error a description of the failure
	 * @param maxAttempts after this many failed attempts the event is parked: it stays
	 * stored as failed and is no longer returned by {@link #undelivered(int)}
	 * @return whether the event is now parked
	 */
	boolean failed(long seq, String error, int maxAttempts);

	/**
	 * Return how many events are parked as failed.
	 * @return the count
	 */
	long failedCount();

	/**
	 * Drop every stored event and move the cursor to {@code lastSeq}: the server said the
	 * client is too far behind its retention window.
	 * @param lastSeq the server's latest seq, from which the stream continues
	 */
	void reset(long lastSeq);

	/**
	 * Delete all of this user's inbound events and the cursor.
	 */
	void clear();

}

package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.List;

import dev.realtime.client.InboundMessage;

/**
 * Inbound events for one append of the inbound store, queued on the store's strand: the
 * loop adds the events of later frames until the strand takes the batch, so frames that
 * arrive while the store commits share its next transaction (a group commit on the
 * receive side) instead of one transaction each.
 */
final class AppendBatch {

	/** Most events in one batch, so that one transaction stays bounded. */
	private static final int MAX_EVENTS = 1000;

	private final Connection connection;

	private final List<InboundMessage> messages;

	private boolean taken;

	AppendBatch(Connection connection, List<InboundMessage> first) {
		this.connection = connection;
		this.messages = new ArrayList<>(first);
	}

	Connection connection() {
		return this.connection;
	}

	/**
	 * Add events when the strand has not taken the batch yet and they continue it on the
	 * same connection.
	 * @param connection the connection the events arrived on
	 * @param more the events, continuing the stream
	 * @return whether they were added; if not, they need a batch of their own
	 */
	synchronized boolean add(Connection connection, List<InboundMessage> more) {
		if (this.taken || connection != this.connection || this.messages.size() + more.size() > MAX_EVENTS
				|| more.get(0).seq() != lastSeq() + 1) {
			return false;
		}
		this.messages.addAll(more);
		return true;
	}

	/**
	 * Close the batch to further events and return them, on the strand.
	 * @return the events, contiguous and in order
	 */
	synchronized List<InboundMessage> take() {
		this.taken = true;
		return this.messages;
	}

	private long lastSeq() {
		return this.messages.get(this.messages.size() - 1).seq();
	}

}

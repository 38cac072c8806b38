package dev.realtime.autoconfigure;

import java.util.List;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.receipts.ReceiptStore;

/**
 * An {@link InboundStore} whose {@link #clear()} (the client's {@code disconnect(true)})
 * also deletes the user's read receipts, so flushing the user's local persistence leaves
 * no table behind.
 */
final class ReceiptsClearingInboundStore implements InboundStore {

	private final InboundStore delegate;

	private final ReceiptStore receipts;

	private final String userId;

	ReceiptsClearingInboundStore(InboundStore delegate, ReceiptStore receipts, String userId) {
		this.delegate = delegate;
		this.receipts = receipts;
		this.userId = userId;
	}

	@Override
	public void clear() {
		this.delegate.clear();
		this.receipts.deleteAll(this.userId);
	}

	@Override
	public long lastSeq() {
		return this.delegate.lastSeq();
	}

	@Override
	public void append(List<InboundMessage> messages) {
		this.delegate.append(messages);
	}

	@Override
	public List<InboundMessage> undelivered(int max) {
		return this.delegate.undelivered(max);
	}

	@Override
	public void delivered(long seq) {
		this.delegate.delivered(seq);
	}

	@Override
	public void deliver(InboundMessage message, Runnable listeners) {
		this.delegate.deliver(message, listeners);
	}

	@Override
	public boolean recordsDeliveredInRuns() {
		return this.delegate.recordsDeliveredInRuns();
	}

	@Override
	public void deliveredUpTo(long seq) {
		this.delegate.deliveredUpTo(seq);
	}

	@Override
	public boolean failed(long seq, String error, int maxAttempts) {
		return this.delegate.failed(seq, error, maxAttempts);
	}

	@Override
	public long failedCount() {
		return this.delegate.failedCount();
	}

	@Override
	public void onRequeued(Runnable listener) {
		this.delegate.onRequeued(listener);
	}

	@Override
	public void reset(long lastSeq) {
		this.delegate.reset(lastSeq);
	}

}

package dev.realtime.inbox;

import java.util.List;

import org.springframework.transaction.support.TransactionOperations;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.InboundStore;

/**
 * Runs the listeners of each event and its {@link #delivered(long) delivered} mark in one
 * transaction ({@code realtime.inbox.transactional}): a listener's own writes to the same
 * database commit together with the removal of the event, or neither does and the event
 * is retried. Every other call is passed to the decorated store.
 */
public class TransactionalInboundStore implements InboundStore {

	private final InboundStore delegate;

	private final TransactionOperations transactions;

	/**
	 * Create a decorator.
	 * @param delegate the store; its {@code delivered} must join the current transaction
	 * @param transactions runs delivery in a transaction
	 */
	public TransactionalInboundStore(InboundStore delegate, TransactionOperations transactions) {
		this.delegate = delegate;
		this.transactions = transactions;
	}

	@Override
	public void deliver(InboundMessage message, Runnable listeners) {
		this.transactions.executeWithoutResult((status) -> this.delegate.deliver(message, listeners));
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

	@Override
	public void clear() {
		this.delegate.clear();
	}

}

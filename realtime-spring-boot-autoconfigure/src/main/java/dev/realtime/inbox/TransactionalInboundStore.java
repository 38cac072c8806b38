package dev.realtime.inbox;

import org.springframework.transaction.support.TransactionOperations;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.ForwardingInboundStore;
import dev.realtime.client.spi.InboundStore;

/**
 * Runs the listeners of each event and its {@link #delivered(long) delivered} mark in one
 * transaction ({@code realtime.inbox.transactional}): a listener's own writes to the same
 * database commit together with the removal of the event, or neither does and the event
 * is retried. Every other call is passed to the decorated store.
 */
public class TransactionalInboundStore extends ForwardingInboundStore {

	private final TransactionOperations transactions;

	/**
	 * Create a decorator.
	 * @param delegate the store; its {@code delivered} must join the current transaction
	 * @param transactions runs delivery in a transaction
	 */
	public TransactionalInboundStore(InboundStore delegate, TransactionOperations transactions) {
		super(delegate);
		this.transactions = transactions;
	}

	@Override
	public void deliver(InboundMessage message, Runnable listeners) {
		this.transactions.executeWithoutResult((status) -> delegate().deliver(message, listeners));
	}

	/**
	 * Each event is marked in the transaction of its listeners, never in runs.
	 * @return {@code false}
	 */
	@Override
	public boolean recordsDeliveredInRuns() {
		return false;
	}

}

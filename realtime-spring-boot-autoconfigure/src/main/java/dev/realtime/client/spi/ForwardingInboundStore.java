package dev.realtime.client.spi;

import java.util.List;

import dev.realtime.client.InboundMessage;

/**
 * An {@link InboundStore} that passes every call to another store: the base of
 * decorators, which override only what they change.
 */
public abstract class ForwardingInboundStore implements InboundStore {

	private final InboundStore delegate;

	/**
	 * Create a decorator.
	 * @param delegate the store every call goes to
	 */
	protected ForwardingInboundStore(InboundStore delegate) {
		this.delegate = delegate;
	}

	/**
	 * Return the decorated store.
	 * @return the store every call goes to
	 */
	protected final InboundStore delegate() {
		return this.delegate;
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
	public void onRequeued(Runnable listener) {
		this.delegate.onRequeued(listener);
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
	public void reset(long lastSeq) {
		this.delegate.reset(lastSeq);
	}

	@Override
	public void clear() {
		this.delegate.clear();
	}

}

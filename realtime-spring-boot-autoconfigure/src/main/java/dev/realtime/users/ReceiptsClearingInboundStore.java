package dev.realtime.users;

import dev.realtime.client.spi.ForwardingInboundStore;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.receipts.ReceiptStore;

/**
 * An {@link InboundStore} whose {@link #clear()} (the client's {@code disconnect(true)})
 * also deletes the user's read receipts, so flushing the user's local persistence leaves
 * no table behind.
 */
final class ReceiptsClearingInboundStore extends ForwardingInboundStore {

	private final ReceiptStore receipts;

	private final String userId;

	ReceiptsClearingInboundStore(InboundStore delegate, ReceiptStore receipts, String userId) {
		super(delegate);
		this.receipts = receipts;
		this.userId = userId;
	}

	@Override
	public void clear() {
		delegate().clear();
		this.receipts.deleteAll(this.userId);
	}

}

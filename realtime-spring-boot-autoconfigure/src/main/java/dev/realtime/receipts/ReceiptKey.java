package dev.realtime.receipts;

import java.io.Serializable;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * The identity of a {@link ReceiptEntity}: one receipt per owner, message and reader.
 */
class ReceiptKey implements Serializable {

	private static final long serialVersionUID = 1L;

	private String ownerUserId = "";

	private String messageId = "";

	private String readerUserId = "";

	protected ReceiptKey() {
	}

	ReceiptKey(String ownerUserId, String messageId, String readerUserId) {
		this.ownerUserId = ownerUserId;
		this.messageId = messageId;
		this.readerUserId = readerUserId;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return other instanceof ReceiptKey key && this.ownerUserId.equals(key.ownerUserId)
				&& this.messageId.equals(key.messageId) && this.readerUserId.equals(key.readerUserId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.ownerUserId, this.messageId, this.readerUserId);
	}

}

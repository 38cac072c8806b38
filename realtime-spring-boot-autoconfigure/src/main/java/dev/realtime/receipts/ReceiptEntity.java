package dev.realtime.receipts;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/**
 * A read receipt a user's client learned of, kept for good.
 */
@Entity(name = "RealtimeReadReceipt")
@Table(name = "realtime_read_receipt")
@IdClass(ReceiptKey.class)
class ReceiptEntity {

	@Id
	@Column(name = "owner_user_id")
	private String ownerUserId = "";

	@Id
	@Column(name = "message_id")
	private String messageId = "";

	@Id
	@Column(name = "reader_user_id")
	private String readerUserId = "";

	@Column(name = "channel_id")
	private String channelId = "";

	@Column(name = "read_at")
	private Instant readAt = Instant.EPOCH;

	protected ReceiptEntity() {
	}

	ReceiptEntity(String ownerUserId, ReadReceipt receipt) {
		this.ownerUserId = ownerUserId;
		this.messageId = receipt.messageId();
		this.readerUserId = receipt.userId();
		this.channelId = receipt.channelId();
		this.readAt = receipt.readAt();
	}

	ReadReceipt toReceipt() {
		return new ReadReceipt(this.messageId, this.channelId, this.readerUserId, this.readAt);
	}

}

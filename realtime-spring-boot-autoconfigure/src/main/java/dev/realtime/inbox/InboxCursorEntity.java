package dev.realtime.inbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The resume cursor of a user's inbound stream and the maintained count of parked events.
 * Changed only through bulk updates in {@link InboxRepository}, so concurrent changes of
 * different columns never overwrite each other.
 */
@Entity(name = "RealtimeInboxCursor")
@Table(name = "realtime_inbox_cursor")
class InboxCursorEntity {

	@Id
	@Column(name = "user_id")
	private String userId = "";

	@Column(name = "last_ack_seq")
	private long lastAckSeq;

	@Column(name = "failed_count")
	private long failedCount;

	@Column(name = "last_synced_at")
	private Instant lastSyncedAt = Instant.EPOCH;

	protected InboxCursorEntity() {
	}

	InboxCursorEntity(String userId, long lastAckSeq, Instant lastSyncedAt) {
		this.userId = userId;
		this.lastAckSeq = lastAckSeq;
		this.lastSyncedAt = lastSyncedAt;
	}

	long getLastAckSeq() {
		return this.lastAckSeq;
	}

	long getFailedCount() {
		return this.failedCount;
	}

	Instant getLastSyncedAt() {
		return this.lastSyncedAt;
	}

}

package dev.realtime.inbox;

import java.time.Instant;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * An inbound event stored until listeners handled it (then deleted), or parked as failed.
 */
@Entity(name = "RealtimeInboxEvent")
@Table(name = "realtime_inbox_event")
@IdClass(InboxEventKey.class)
class InboxEventEntity {

	@Id
	@Column(name = "user_id")
	private String userId = "";

	@Id
	@Column(name = "seq")
	private long seq;

	@Column(name = "event")
	private String event = "";

	@Column(name = "payload")
	private String payload = "";

	@Column(name = "server_timestamp")
	private @Nullable Instant serverTimestamp;

	@Column(name = "origin_client_id")
	private @Nullable String originClientId;

	@Column(name = "origin_idempotency_key")
	private @Nullable String originIdempotencyKey;

	@Enumerated(EnumType.STRING)
	@Column(name = "status")
	private InboxStatus status = InboxStatus.RECEIVED;

	@Column(name = "attempts")
	private int attempts;

	@Column(name = "last_error")
	private @Nullable String lastError;

	@Column(name = "received_at")
	private Instant receivedAt = Instant.EPOCH;

	protected InboxEventEntity() {
	}

	InboxEventEntity(String userId, long seq, String event, String payload, @Nullable Instant serverTimestamp,
			@Nullable String originClientId, @Nullable String originIdempotencyKey, Instant receivedAt) {
		this.userId = userId;
		this.seq = seq;
		this.event = event;
		this.payload = payload;
		this.serverTimestamp = serverTimestamp;
		this.originClientId = originClientId;
		this.originIdempotencyKey = originIdempotencyKey;
		this.receivedAt = receivedAt;
	}

	String getUserId() {
		return this.userId;
	}

	long getSeq() {
		return this.seq;
	}

	String getEvent() {
		return this.event;
	}

	String getPayload() {
		return this.payload;
	}

	@Nullable Instant getServerTimestamp() {
		return this.serverTimestamp;
	}

	@Nullable String getOriginClientId() {
		return this.originClientId;
	}

	@Nullable String getOriginIdempotencyKey() {
		return this.originIdempotencyKey;
	}

	InboxStatus getStatus() {
		return this.status;
	}

	int getAttempts() {
		return this.attempts;
	}

	@Nullable String getLastError() {
		return this.lastError;
	}

	Instant getReceivedAt() {
		return this.receivedAt;
	}

	/**
	 * Count a failed listener attempt; park the event once it reached
	 * {@code maxAttempts}.
	 * @param error the failure, recorded as the last error
	 * @param maxAttempts the attempts after which the event is parked
	 * @return whether the event is now parked
	 */
	boolean recordFailure(String error, int maxAttempts) {
		this.attempts++;
		this.lastError = error;
		if (this.attempts >= maxAttempts) {
			this.status = InboxStatus.FAILED;
			return true;
		}
		return false;
	}

	/**
	 * Return a parked event to the listeners with a fresh attempt budget.
	 */
	void requeue() {
		this.status = InboxStatus.RECEIVED;
		this.attempts = 0;
	}

}

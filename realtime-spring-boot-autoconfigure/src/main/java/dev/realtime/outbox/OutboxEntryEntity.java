package dev.realtime.outbox;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * An outbound event in the outbox, from enqueue until the hub acks it (then deleted) or it
 * becomes a dead letter.
 */
@Entity
@Table(name = "realtime_outbox")
class OutboxEntryEntity {

	@Id
	@GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "realtime_outbox_id")
	// pooled ids (the script's increment is 50) keep inserts batchable
	@SequenceGenerator(name = "realtime_outbox_id", sequenceName = "realtime_outbox_id_seq", allocationSize = 50)
	private @Nullable Long id;

	@Column(name = "user_id", nullable = false)
	private String userId;

	@Column(name = "idempotency_key", nullable = false)
	private String idempotencyKey;

	@Column(name = "event", nullable = false)
	private String event;

	@Column(name = "payload", nullable = false)
	private String payload;

	/** Epoch microseconds. */
	@Column(name = "created_at", nullable = false)
	private long createdAt;

	@Column(name = "seq")
	private @Nullable Long seq;

	@Enumerated(EnumType.STRING)
	@Column(name = "status", nullable = false)
	private OutboxStatus status;

	@Column(name = "attempts", nullable = false)
	private int attempts;

	@Column(name = "lease_owner")
	private @Nullable String leaseOwner;

	@Column(name = "lease_until")
	private @Nullable Long leaseUntil;

	@Column(name = "error_code")
	private @Nullable String errorCode;

	@Column(name = "last_error")
	private @Nullable String lastError;

	@Column(name = "dead_at")
	private @Nullable Long deadAt;

	protected OutboxEntryEntity() {
		// for JPA
		this.userId = "";
		this.idempotencyKey = "";
		this.event = "";
		this.payload = "";
		this.status = OutboxStatus.PENDING;
	}

	OutboxEntryEntity(String userId, String idempotencyKey, String event, String payload, Instant createdAt) {
		this.userId = userId;
		this.idempotencyKey = idempotencyKey;
		this.event = event;
		this.payload = payload;
		this.createdAt = toMicros(createdAt);
		this.status = OutboxStatus.PENDING;
	}

	long getId() {
		return (this.id != null) ? this.id : 0;
	}

	String getUserId() {
		return this.userId;
	}

	String getIdempotencyKey() {
		return this.idempotencyKey;
	}

	String getEvent() {
		return this.event;
	}

	String getPayload() {
		return this.payload;
	}

	long getCreatedAtMicros() {
		return this.createdAt;
	}

	Instant getCreatedAt() {
		return Instant.EPOCH.plus(this.createdAt, ChronoUnit.MICROS);
	}

	static long toMicros(Instant instant) {
		return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
	}

	@Nullable Long getSeq() {
		return this.seq;
	}

	int getAttempts() {
		return this.attempts;
	}

	@Nullable String getErrorCode() {
		return this.errorCode;
	}

	@Nullable String getLastError() {
		return this.lastError;
	}

	@Nullable Long getDeadAt() {
		return this.deadAt;
	}

	/**
	 * Lease the row to {@code owner} for a send attempt, giving it {@code seq} if it has none.
	 */
	void claim(long seq, String owner, long leaseUntil) {
		if (this.seq == null) {
			this.seq = seq;
		}
		this.attempts++;
		this.leaseOwner = owner;
		this.leaseUntil = leaseUntil;
	}

}

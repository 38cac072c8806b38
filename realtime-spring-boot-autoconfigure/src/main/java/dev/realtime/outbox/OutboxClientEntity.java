package dev.realtime.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.jspecify.annotations.Nullable;

/**
 * A user's outbound stream: its {@code client_id}, the next seq to assign, and which instance
 * of the application currently relays it (a lease, so only one instance sends at a time).
 */
@Entity
@Table(name = "realtime_client")
class OutboxClientEntity {

	@Id
	@Column(name = "user_id")
	private String userId;

	@Column(name = "client_id", nullable = false)
	private String clientId;

	@Column(name = "next_seq", nullable = false)
	private long nextSeq;

	@Column(name = "relay_owner")
	private @Nullable String relayOwner;

	@Column(name = "relay_lease_until")
	private @Nullable Long relayLeaseUntil;

	protected OutboxClientEntity() {
		// for JPA
		this.userId = "";
		this.clientId = "";
	}

	OutboxClientEntity(String userId, String clientId) {
		this.userId = userId;
		this.clientId = clientId;
		this.nextSeq = 1;
	}

	String getClientId() {
		return this.clientId;
	}

	/**
	 * Take or renew the relay lease unless another owner holds an unexpired one.
	 * @return whether {@code owner} is the relay now
	 */
	boolean lead(String owner, long now, long leaseUntil) {
		if (this.relayOwner != null && !this.relayOwner.equals(owner) && this.relayLeaseUntil != null
				&& this.relayLeaseUntil > now) {
			return false;
		}
		this.relayOwner = owner;
		this.relayLeaseUntil = leaseUntil;
		return true;
	}

	long takeSeq() {
		return this.nextSeq++;
	}

}

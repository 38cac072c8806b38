package dev.realtime.inbox;

import java.io.Serializable;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Primary key of {@link InboxEventEntity}: the user and the seq in the user's stream.
 */
class InboxEventKey implements Serializable {

	private static final long serialVersionUID = 1L;

	private String userId = "";

	private long seq;

	protected InboxEventKey() {
	}

	InboxEventKey(String userId, long seq) {
		this.userId = userId;
		this.seq = seq;
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof InboxEventKey key) && this.seq == key.seq && this.userId.equals(key.userId);
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.userId, this.seq);
	}

}

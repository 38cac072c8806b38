package dev.realtime.client.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.Placement;
import dev.realtime.client.UserProfile;
import dev.realtime.client.spi.UserAssignments;

/**
 * {@link UserAssignments} of a single instance: every registered user is assigned here at
 * once, {@link Placement#SHARED shared} users too (with the database outbox, its per-user
 * relay lease still lets one instance relay a user at a time, but shared users are not
 * spread over the instances).
 */
public class LocalUserAssignments implements UserAssignments {

	/** Users registered before {@link #start(Listener)}, in order. Guarded by this. */
	private final Map<String, UserProfile> early = new LinkedHashMap<>();

	private volatile @Nullable Listener listener;

	@Override
	public void register(UserProfile profile, Placement placement) {
		Listener current;
		synchronized (this) {
			current = this.listener;
			if (current == null) {
				this.early.put(profile.id(), profile);
				return;
			}
		}
		current.assigned(profile);
	}

	@Override
	public void unregister(String userId) {
		Listener current;
		synchronized (this) {
			current = this.listener;
			if (current == null) {
				this.early.remove(userId);
				return;
			}
		}
		current.revoked(userId);
	}

	@Override
	public void start(Listener listener) {
		List<UserProfile> waiting;
		synchronized (this) {
			if (this.listener != null) {
				throw new IllegalStateException("Already started");
			}
			this.listener = listener;
			waiting = List.copyOf(this.early.values());
			this.early.clear();
		}
		waiting.forEach(listener::assigned);
	}

}

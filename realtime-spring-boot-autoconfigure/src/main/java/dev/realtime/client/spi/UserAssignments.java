package dev.realtime.client.spi;

import dev.realtime.client.Placement;
import dev.realtime.client.UserProfile;

/**
 * Decides which application instance runs each connected user. A {@link Placement#PINNED
 * pinned} user is assigned to the instance that registered it, at once and for good; a
 * {@link Placement#SHARED shared} user is kept in a registry all instances read, and
 * assigned to the instance holding its lease, which moves when that instance dies. The
 * in-memory implementation assigns every user locally at once; the database one spreads
 * shared users over the instances.
 */
public interface UserAssignments {

	/**
	 * Register a user, or register it again with a changed profile or placement.
	 * @param profile the user's profile, from which any instance builds its client
	 * @param placement where the user may live
	 */
	void register(UserProfile profile, Placement placement);

	/**
	 * Remove a user for good: every instance that runs it is told
	 * {@link Listener#revoked(String)}, and the user's registration is deleted.
	 * @param userId the user
	 */
	void unregister(String userId);

	/**
	 * Start telling the listener about assignments, once, when the application starts.
	 * Users registered before are assigned right after.
	 * @param listener builds, connects and disconnects the users' clients
	 */
	void start(Listener listener);

	/**
	 * Stop telling the listener, when the application stops and before the users' clients
	 * are stopped: their clients give their leases up themselves, which must not be taken
	 * for leases lost to another instance. {@link #start(Listener)} may follow.
	 */
	default void stop() {
	}

	/**
	 * Told which users this instance runs. Called from any thread: implementations return
	 * quickly.
	 */
	interface Listener {

		/**
		 * This instance runs the user from now on: build its client if needed and connect
		 * it. Also called again for a user already assigned, for example with a changed
		 * profile.
		 * @param profile the user's profile
		 */
		void assigned(UserProfile profile);

		/**
		 * This instance no longer runs the user: disconnect its client, keeping the
		 * user's data for the instance that takes over.
		 * @param userId the user
		 */
		void revoked(String userId);

	}

}

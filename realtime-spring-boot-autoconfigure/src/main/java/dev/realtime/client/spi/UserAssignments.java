package dev.realtime.client.spi;

import dev.realtime.client.Placement;
import dev.realtime.client.UserProfile;

/**
 * Which users this instance of the application runs, when several instances share the
 * users: pinned users run where they were registered, shared users are spread over the
 * live instances and taken over from dead ones.
 */
public interface UserAssignments {

	/**
	 * Register a user durably, so that an instance runs it: this one for a
	 * {@link Placement#PINNED pinned} user, any live one for a {@link Placement#SHARED
	 * shared} user (the one that takes it is told through
	 * {@link Listener#assigned(UserProfile)}).
	 * @param profile the user's profile
	 * @param placement where the user runs
	 */
	void register(UserProfile profile, Placement placement);

	/**
	 * Stop running a user anywhere: it is no longer registered.
	 * @param userId the user's id
	 */
	void unregister(String userId);

	/**
	 * Start taking shared users and telling the listener about them.
	 * @param listener told which users this instance runs
	 */
	void start(Listener listener);

	/**
	 * Told which shared users this instance runs, on the assignments' own thread.
	 */
	interface Listener {

		/**
		 * This instance runs the user now: create and connect its client.
		 * @param profile the user's profile
		 */
		void assigned(UserProfile profile);

		/**
		 * This instance no longer runs the user: disconnect its client (without clearing
		 * its data) before returning, so another instance can take over at once.
		 * @param userId the user's id
		 */
		void revoked(String userId);

	}

}

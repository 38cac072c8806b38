package dev.realtime.client;

/**
 * Where a connected user lives when the application runs on several instances.
 */
public enum Placement {

	/**
	 * The user lives on the instance that connected it (for example a gateway holding a
	 * signed-in user's session), and is never taken over by another instance.
	 */
	PINNED,

	/**
	 * Any instance may run the user: leases spread the shared users over the instances,
	 * and a dead instance's users are taken over. Needs the durable (database) outbox.
	 */
	SHARED

}

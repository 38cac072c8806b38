package dev.realtime.client;

/**
 * Where a user's client runs when several instances of the application share a database.
 */
public enum Placement {

	/**
	 * On the instance that connected the user only (for example a gateway holding the
	 * user's session); never taken over by another instance.
	 */
	PINNED,

	/**
	 * On any live instance: the shared users are spread over the instances by leases, and
	 * a dead instance's users are taken over.
	 */
	SHARED

}

package dev.realtime.hub;

/**
 * Decides whether a user may join a room, by an explicit {@code room.join} or implicitly
 * (an event with a {@code room}, a {@code receipt.read} or a {@code typing.start} in it).
 * A hub application declares a bean of this type to authorize joins its own way (a
 * membership table, a call to its API); without one the hub opens only the rooms listed
 * in {@code realtime.hub.rooms.open}.
 * <p>
 * The hub asks only while the user is not a member yet: a member stays one (the hub
 * stores membership, so it outlives a restart). Called while the user's message is
 * processed, so it should answer quickly.
 */
@FunctionalInterface
public interface RoomAuthorizer {

	/**
	 * Return whether a user may join a room.
	 * @param userId the authenticated user asking to join
	 * @param room the room, a string of 1 to 255 characters without NUL
	 * @return whether the user may join (and then receive the room's events)
	 */
	boolean mayJoin(String userId, String room);

}

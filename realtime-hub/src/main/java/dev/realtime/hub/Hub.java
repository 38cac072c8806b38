package dev.realtime.hub;

import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * The reference hub's service API, for the demo and for tests: append to users' streams,
 * look at what the hub accepted, and cut connections.
 */
public interface Hub {

	/**
	 * Append an event to a user's inbound stream and deliver it to the user's open
	 * sessions. Registers the user if the hub has not seen it yet.
	 * @param userId the receiving user
	 * @param event the event name, for example {@code chat.message}
	 * @param payload a JSON-mappable payload, or {@code null} for an empty object
	 * @return the event's seq in the user's stream
	 */
	long push(String userId, String event, @Nullable Object payload);

	/**
	 * Return the outbound events the hub accepted (and stored once) from a client.
	 * @param clientId the client's {@code client_id}
	 * @return the accepted events in seq order, empty for an unknown client
	 */
	List<AcceptedEvent> acceptedEvents(String clientId);

	/**
	 * Close every open session of a user.
	 * @param userId the user
	 * @param closeCode the WebSocket close code, for example 1001 or 4001
	 * @param reason the close reason (truncated to fit a close frame)
	 * @return how many sessions were closed
	 */
	int closeSessions(String userId, int closeCode, String reason);

	/**
	 * Return the members of a room (see {@link HubRooms} for how users join one).
	 * @param room the room, also called channel
	 * @return the user ids
	 */
	Set<String> roomMembers(String room);

	/**
	 * Return the users with at least one open session.
	 * @return the user ids
	 */
	Set<String> connectedUsers();

}

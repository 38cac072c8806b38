package dev.realtime.users;

import java.util.Optional;
import java.util.Set;

import dev.realtime.client.Placement;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.presence.PresenceManager;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.typing.TypingManager;

/**
 * The users an application connects at runtime, each with a {@link RealtimeClient} of its
 * own: its own connection, token (from the application's
 * {@link dev.realtime.auth.UserTokenProvider}), outbox, inbound stream, presence, typing
 * indicators and read receipts. The client of {@code realtime.user-id}, when the
 * application has one, is listed too.
 */
public interface RealtimeClients {

	/**
	 * Connect a user {@link Placement#PINNED pinned} to this instance.
	 * @param profile the user's profile, sent to the hub at every connect
	 * @return the user's client, connecting
	 * @see #connectUser(UserProfile, Placement)
	 */
	RealtimeClient connectUser(UserProfile profile);

	/**
	 * Connect a user, or update the profile of a user already connected. A
	 * {@link Placement#SHARED shared} user runs on whichever instance holds its lease:
	 * the returned client sends through the shared outbox from any instance, but is
	 * connected only where the user runs.
	 * @param profile the user's profile, sent to the hub at every connect
	 * @param placement where the user may live
	 * @return the user's client
	 * @throws IllegalStateException if the user needs a token and the application has no
	 * {@link dev.realtime.auth.UserTokenProvider}, or a shared user has no durable outbox
	 * @throws IllegalArgumentException if the user is the application's
	 * {@code realtime.user-id}
	 */
	RealtimeClient connectUser(UserProfile profile, Placement placement);

	/**
	 * Change a connected user's profile and tell the hub.
	 * @param profile the new profile
	 * @throws IllegalStateException if the user is not connected through this registry
	 */
	void updateUser(UserProfile profile);

	/**
	 * Return a user's client on this instance.
	 * @param userId the user
	 * @return the client, empty when the user has none here
	 */
	Optional<RealtimeClient> get(String userId);

	/**
	 * Return a user's profile as last set through this registry.
	 * @param userId the user
	 * @return the profile, empty when the user is not connected through this registry
	 */
	Optional<UserProfile> profile(String userId);

	/**
	 * Disconnect a user and forget it on every instance.
	 * @param userId the user
	 * @param flush whether to send what the user has pending first (waiting up to
	 * {@code realtime.users.flush-timeout}) and then delete every row of the user in
	 * every table of the library (outbox, client id, inbox, cursor, read receipts); other
	 * users' data is untouched
	 * @return whether the user had a client here
	 */
	boolean disconnectUser(String userId, boolean flush);

	/**
	 * Return the users with a client on this instance, connected or not.
	 * @return the user ids, sorted
	 */
	Set<String> users();

	/**
	 * Return the users whose client on this instance is connected.
	 * @return the user ids, sorted
	 */
	Set<String> connectedUsers();

	/**
	 * Return the presence of a user's client: its own status and what it hears of others,
	 * custom fields included.
	 * @param userId the user
	 * @return the user's presence manager
	 * @throws java.util.NoSuchElementException if the user has no client here
	 */
	PresenceManager presence(String userId);

	/**
	 * Return the typing indicators of a user's client.
	 * @param userId the user
	 * @return the user's typing manager
	 * @throws java.util.NoSuchElementException if the user has no client here
	 */
	TypingManager typing(String userId);

	/**
	 * Return the read receipts of a user's client.
	 * @param userId the user
	 * @return the user's read receipt manager
	 * @throws java.util.NoSuchElementException if the user has no client here
	 */
	ReadReceiptManager receipts(String userId);

}

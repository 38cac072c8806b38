package dev.realtime.hub;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.realtime.protocol.PrivacySettings;

/**
 * Durable state of the hub. Methods that change several rows expect to run inside the
 * caller's transaction; the rest are single statements.
 */
interface HubStore {

	/**
	 * Register a user if it is new. Runs outside a transaction (a concurrent insert is
	 * fine).
	 * @param userId the user
	 * @param now the time recorded as its creation
	 */
	void ensureUser(String userId, Instant now);

	/**
	 * Bind a client to a user unless it is bound already.
	 * @param clientId the client's {@code client_id}
	 * @param userId the user the client connected as
	 * @param now the time recorded as the binding's creation
	 * @return the user the client is bound to (another one than asked if it was already
	 * bound)
	 */
	String bindClient(String clientId, String userId, Instant now);

	/**
	 * Lock a client's row for the rest of the transaction.
	 * @param clientId the client's {@code client_id}
	 * @return the highest outbound seq accepted from the client
	 */
	long lockClient(String clientId);

	/**
	 * Move clients' accepted seqs forward (never back), in the order of their ids.
	 * @param acceptedSeqs the new accepted seq of each client
	 */
	void updateAcceptedSeqs(SortedMap<String, Long> acceptedSeqs);

	/**
	 * Return the highest outbound seq accepted from a client.
	 * @param clientId the client's {@code client_id}
	 * @return the highest outbound seq accepted from the client, 0 when unknown
	 */
	long acceptedSeq(String clientId);

	/**
	 * Find the idempotency keys a client's accepted events had under some of their seqs.
	 * @param clientId the sending client's {@code client_id}
	 * @param seqs the seqs to look for
	 * @return the key of each of those seqs the hub accepted with one (rejected seqs, and
	 * records purged after the retention window, are missing)
	 */
	Map<Long, String> acceptedKeys(String clientId, Collection<Long> seqs);

	/**
	 * Find which idempotency keys a user's accepted events already hold.
	 * @param userId the sending user
	 * @param keys the keys to look for
	 * @return those of the keys the user's accepted events already hold
	 */
	Set<String> existingKeys(String userId, Collection<String> keys);

	/**
	 * Reserve the next seqs of users' streams, locking their rows in the given (sorted)
	 * order so that concurrent fan-outs cannot deadlock.
	 * @param counts how many seqs each user needs
	 * @return the first reserved seq of each user
	 */
	Map<String, Long> reserveSeqs(SortedMap<String, Integer> counts);

	void insertMessages(List<NewMessage> messages);

	void insertStreamEvents(List<NewStreamEvent> events);

	void insertAcceptedEvents(List<NewAcceptedEvent> events);

	/**
	 * Read a page of a user's stream.
	 * @param userId the user whose stream to read
	 * @param afterSeq the seq the page starts after
	 * @param limit the most events to read
	 * @return up to {@code limit} events of the user's stream after {@code afterSeq}, in
	 * order
	 */
	List<StreamEvent> readStream(String userId, long afterSeq, int limit);

	/**
	 * Return where a user's stream stands.
	 * @param userId the user
	 * @return the head and retention mark of the user's stream (zeros for an unknown
	 * user)
	 */
	UserStream userStream(String userId);

	void recordDelivered(String userId, long seq);

	List<AcceptedEvent> acceptedEvents(String clientId);

	/**
	 * Delete stream events, messages and accepted-event records created before the
	 * cutoff, raising each user's purge mark. Runs inside the caller's transaction.
	 * @param cutoff what was created before this instant is deleted
	 * @return how many stream events were deleted
	 */
	int purgeBefore(Instant cutoff);

	/**
	 * Store a user's custom fields, replacing what the user had. Runs outside a
	 * transaction.
	 * @param userId the user
	 * @param customJson the custom fields as a JSON object's text
	 * @param now the time recorded as the update's
	 */
	void saveProfile(String userId, String customJson, Instant now);

	/**
	 * Return a user's custom fields as last stored.
	 * @param userId the user
	 * @return the custom fields as a JSON object's text, {@code null} when the user never
	 * sent a profile
	 */
	@Nullable String findProfile(String userId);

	/**
	 * Store a user's privacy settings, replacing what the user had. Runs outside a
	 * transaction.
	 * @param userId the user
	 * @param settings the settings
	 * @param now the time recorded as the update's
	 */
	void savePrivacy(String userId, PrivacySettings settings, Instant now);

	/**
	 * Return a user's privacy settings as last stored.
	 * @param userId the user
	 * @return the settings, {@code null} when the user never sent any
	 */
	@Nullable PrivacySettings findPrivacy(String userId);

	/**
	 * Make a user a member of a room unless it is one. Runs outside a transaction (a
	 * concurrent insert is fine).
	 * @param room the room
	 * @param userId the user
	 * @param now the time recorded as the join's
	 */
	void addRoomMember(String room, String userId, Instant now);

	/**
	 * Return every room's members, for the hub to start from what it had before a
	 * restart.
	 * @return the members of each room that has any
	 */
	Map<String, Set<String>> roomMembers();

	/**
	 * Return the members of one room, as committed.
	 * @param room the room
	 * @return its members, none for an unknown room
	 */
	Set<String> roomMembers(String room);

	/**
	 * Return the users who share at least one room with a user, as committed.
	 * @param userId the user
	 * @return those users, the user left out
	 */
	Set<String> roomMates(String userId);

	/**
	 * A fanned-out event, stored once for all its recipients.
	 *
	 * @param id the message's id
	 * @param event the event name
	 * @param payloadJson the payload as JSON text
	 * @param originClientId the {@code client_id} of the client that sent it, if a client
	 * did
	 * @param originIdempotencyKey the idempotency key the client sent it with, if any
	 * @param createdAt when the hub created it
	 */
	record NewMessage(UUID id, String event, String payloadJson, @Nullable String originClientId,
			@Nullable String originIdempotencyKey, Instant createdAt) {
	}

	/**
	 * One entry of a user's stream.
	 *
	 * @param userId the user whose stream it is
	 * @param seq the entry's seq in that stream
	 * @param messageId the id of the message it delivers
	 * @param createdAt when the hub created it
	 */
	record NewStreamEvent(String userId, long seq, UUID messageId, Instant createdAt) {
	}

	/**
	 * An accepted outbound event, the record deduplication relies on.
	 *
	 * @param clientId the sending client's {@code client_id}
	 * @param seq the client's outbound seq
	 * @param userId the sending user
	 * @param idempotencyKey the event's idempotency key, if the client sent one
	 * @param event the event name
	 * @param messageId the id of the message the event was stored as
	 * @param clientTimestamp the client's clock when it created the event, if sent
	 * @param acceptedAt when the hub accepted it
	 */
	record NewAcceptedEvent(String clientId, long seq, String userId, @Nullable String idempotencyKey, String event,
			UUID messageId, @Nullable Instant clientTimestamp, Instant acceptedAt) {
	}

	/**
	 * Where a user's stream stands.
	 *
	 * @param lastSeq the last seq assigned in the user's stream
	 * @param purgedSeq the highest seq retention removed; a client behind it must reset
	 */
	record UserStream(long lastSeq, long purgedSeq) {
	}

}

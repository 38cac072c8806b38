package dev.realtime.hub;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PresenceStatus;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.protocol.UserProfiles;

/**
 * Rooms (channels) and the ephemeral signals exchanged in them: membership, presence,
 * typing and each user's privacy settings. Membership is stored (it outlives a restart: a
 * room's events keep reaching its members while they reconnect) and kept in memory,
 * loaded at first use; when several nodes share the store ({@link HubBus#shared()}) a
 * room event's members are read from the store in the fan-out's transaction, so a join
 * made on another node is never missed, and the cache learns other nodes' joins through
 * the bus. Presence lives in the {@link HubBus} (memory, or Redis with a TTL); clients
 * announce it again at connect. Privacy settings are stored (written through on update):
 * one node caches them, loaded at first use; several nodes read them from the store at
 * each use (see {@link #privacyOf(String)}).
 * <p>
 * Meta signals the hub understands from clients (others are ignored):
 * <ul>
 * <li>{@code room.join} {@code {"room": …}}: join a room, if the {@link RoomAuthorizer}
 * lets the user in (else answered with an {@code error} {@code forbidden} naming the
 * room). A user also joins a room by sending an event with {@code room}, a
 * {@code receipt.read} or a {@code typing.start} to it, authorized the same way.
 * Membership is per user, not per connection.</li>
 * <li>{@code presence.update} {@code {"status": …, "metadata": {…}}}: fanned out to the
 * users sharing a room with the sender as {@code {user_id, status, metadata, timestamp}}.
 * The first one on a connection is answered with the last known presence of those users;
 * a joiner and a room's members exchange theirs too. When the last connection of a user
 * closes, the hub announces it {@code offline}.</li>
 * <li>{@code typing.start} / {@code typing.stop} {@code {"channel_id": …}}: fanned out to
 * the channel's other members with the typist's {@code user_id} added; a
 * {@code typing.stop} of a user who is no member is dropped.</li>
 * <li>{@code privacy.update} {@code {"typing_indicators": bool, "read_receipts": bool}}:
 * a user with typing indicators off has their typing signals dropped; one with read
 * receipts off has their {@code receipt.read} events accepted but fanned out to
 * nobody.</li>
 * <li>{@code user.update} {@code {"custom": {…}, "privacy": {…}}}: the user's profile,
 * checked ({@link UserProfiles}), its custom fields stored in the {@link HubStore} (they
 * outlive a restart) and fanned out as {@code user.updated} {@code {user_id, custom,
 * timestamp}} to the users sharing a room with the sender; its privacy settings applied
 * as by {@code privacy.update}. Members exchange their custom fields like their
 * presence.</li>
 * </ul>
 */
final class HubRooms implements HubBus.Inbound {

	private static final Log logger = LogFactory.getLog(HubRooms.class);

	private final Map<String, Set<String>> members = new ConcurrentHashMap<>();

	/** Whether {@link #members} holds what the store had; set once, under the lock. */
	private volatile boolean loaded;

	private final Object loadLock = new Object();

	/** Each user's privacy settings, as stored; used by a single node only. */
	private final Map<String, PrivacySettings> privacy = new ConcurrentHashMap<>();

	/**
	 * The last {@code user.updated} payload of each user, as fanned out; read from the
	 * store once for users who sent theirs before a restart.
	 */
	private final Map<String, JsonNode> profiles = new ConcurrentHashMap<>();

	private final HubStore store;

	private final HubSessionRegistry sessions;

	private final HubBus bus;

	private final RoomAuthorizer authorizer;

	private final FrameCodec codec;

	private final Clock clock;

	HubRooms(HubStore store, HubSessionRegistry sessions, HubBus bus, RoomAuthorizer authorizer, FrameCodec codec,
			Clock clock) {
		this.store = store;
		this.sessions = sessions;
		this.bus = bus;
		this.authorizer = authorizer;
		this.codec = codec;
		this.clock = clock;
	}

	/**
	 * Handle a meta signal of a connection (other than {@code ping}).
	 * @param session the connection that sent it
	 * @param meta the signal
	 * @return the {@code error} to answer it with: {@code invalid_frame} for a
	 * {@code room.join} without a valid room, {@code forbidden} for a join the
	 * {@link RoomAuthorizer} refused; {@code null} when there is nothing to answer
	 */
	@Nullable ErrorFrame onMeta(HubSession session, MetaFrame meta) {
		JsonNode payload = meta.payload();
		String userId = session.userId();
		switch (meta.event()) {
			case MetaFrame.ROOM_JOIN -> {
				Optional<String> room = text(payload, "room").filter(ChannelFields::isId);
				if (room.isEmpty()) {
					return new ErrorFrame(ErrorFrame.INVALID_FRAME,
							"room.join needs a room string of " + ChannelFields.ID_RULE, null);
				}
				return join(userId, room.get()) ? null : refused(MetaFrame.ROOM_JOIN, room.get());
			}
			case MetaFrame.PRESENCE_UPDATE -> onPresence(session, payload);
			case MetaFrame.TYPING_START, MetaFrame.TYPING_STOP -> {
				return onTyping(userId, meta.event(), payload);
			}
			case MetaFrame.PRIVACY_UPDATE -> updatePrivacy(userId, payload);
			default -> logger.trace("Ignoring meta signal '" + meta.event() + "' of " + session);
		}
		return null;
	}

	/**
	 * The {@code forbidden} answer to a signal that would have joined a room the user may
	 * not join.
	 * @param signal the meta event refused
	 * @param room the room
	 * @return the connection-level error naming the room
	 */
	static ErrorFrame refused(String signal, String room) {
		return new ErrorFrame(ErrorFrame.FORBIDDEN, signal + " refused: not allowed to join room '" + room + "'", null);
	}

	/**
	 * Make a user a member of a room if the {@link RoomAuthorizer} lets it in; a new
	 * member and the room's members learn each other's last known presence.
	 * @param userId the user joining
	 * @param room the room
	 * @return whether the user is a member now
	 */
	boolean join(String userId, String room) {
		if (isMember(userId, room)) {
			return true;
		}
		if (!this.authorizer.mayJoin(userId, room)) {
			logger.debug("Refused '" + userId + "' to join room '" + room + "'");
			return false;
		}
		this.store.addRoomMember(room, userId, this.clock.instant());
		if (!rooms().computeIfAbsent(room, (r) -> ConcurrentHashMap.newKeySet()).add(userId)) {
			return true;
		}
		this.bus.joined(room, userId);
		Set<String> others = otherMembers(room, userId);
		sendPresenceOf(others, this.sessions.sessions(userId));
		JsonNode own = this.bus.presenceOf(Set.of(userId)).get(userId);
		if (own != null) {
			send(others, new MetaFrame(MetaFrame.PRESENCE_UPDATE, own));
		}
		JsonNode ownProfile = profile(userId);
		if (ownProfile != null) {
			send(others, new MetaFrame(MetaFrame.USER_UPDATED, ownProfile));
		}
		return true;
	}

	@Override
	public void joined(String room, String userId) {
		rooms().computeIfAbsent(room, (r) -> ConcurrentHashMap.newKeySet()).add(userId);
	}

	@Override
	public void signalled(MetaFrame frame) {
		// keeps the profile cache true to what other nodes stored
		if (MetaFrame.USER_UPDATED.equals(frame.event())) {
			text(frame.payload(), "user_id").ifPresent((user) -> this.profiles.put(user, frame.payload()));
		}
	}

	@Override
	public void expired(String userId) {
		// every node sees it expire: each tells its own sessions
		this.sessions.send(coMembers(userId), new MetaFrame(MetaFrame.PRESENCE_UPDATE,
				presencePayload(userId, PresenceStatus.OFFLINE, this.codec.toPayload(null))));
	}

	private boolean isMember(String userId, String room) {
		Set<String> roomMembers = rooms().get(room);
		return roomMembers != null && roomMembers.contains(userId);
	}

	/**
	 * Return every room's members, loading what the store had at first use (not at
	 * construction: the database may not be migrated yet then).
	 * @return the members of each room, the live map
	 */
	private Map<String, Set<String>> rooms() {
		if (!this.loaded) {
			synchronized (this.loadLock) {
				if (!this.loaded) {
					this.store.roomMembers().forEach((room, users) -> {
						Set<String> set = ConcurrentHashMap.newKeySet();
						set.addAll(users);
						this.members.merge(room, set, (known, stored) -> {
							known.addAll(stored);
							return known;
						});
					});
					this.loaded = true;
				}
			}
		}
		return this.members;
	}

	/**
	 * Handle a {@code user.update} of a connection: check it, store and fan out its
	 * custom fields, apply its privacy settings.
	 * @param session the connection that sent it
	 * @param payload the signal's payload
	 * @return what is wrong with the payload, naming the field, or {@code null} when it
	 * was applied
	 */
	@Nullable String updateProfile(HubSession session, JsonNode payload) {
		String problem = UserProfiles.payloadProblem(payload, this.codec.mapper());
		if (problem != null) {
			return problem;
		}
		String userId = session.userId();
		JsonNode privacySettings = payload.path(UserProfiles.PRIVACY);
		if (privacySettings.isObject()) {
			updatePrivacy(userId, privacySettings);
		}
		JsonNode custom = payload.path(UserProfiles.CUSTOM);
		if (custom.isObject()) {
			this.store.saveProfile(userId, this.codec.mapper().writeValueAsString(custom), this.clock.instant());
			JsonNode updated = profilePayload(userId, custom);
			this.profiles.put(userId, updated);
			send(coMembers(userId), new MetaFrame(MetaFrame.USER_UPDATED, updated));
		}
		return null;
	}

	private JsonNode profilePayload(String userId, JsonNode custom) {
		Map<String, Object> updated = new LinkedHashMap<>();
		updated.put("user_id", userId);
		updated.put(UserProfiles.CUSTOM, custom);
		updated.put("timestamp", this.clock.instant().toString());
		return this.codec.toPayload(updated);
	}

	/**
	 * Return the last {@code user.updated} payload of a user, from the store if this hub
	 * has not seen the user's profile since it started.
	 * @param userId the user
	 * @return the payload, {@code null} when the user never sent a profile
	 */
	private @Nullable JsonNode profile(String userId) {
		JsonNode known = this.profiles.get(userId);
		if (known != null) {
			return known;
		}
		String stored = this.store.findProfile(userId);
		if (stored == null) {
			return null;
		}
		JsonNode loaded = profilePayload(userId, this.codec.mapper().readTree(stored));
		JsonNode raced = this.profiles.putIfAbsent(userId, loaded);
		return (raced != null) ? raced : loaded;
	}

	/**
	 * Return the members of a room other than the user.
	 * @param room the room
	 * @param userId the user to leave out
	 * @return a copy of the other members
	 */
	Set<String> otherMembers(String room, String userId) {
		Set<String> others = new HashSet<>(members(room));
		others.remove(userId);
		return others;
	}

	/**
	 * Return the members of a room: from the store when several nodes share it (another
	 * node's join is committed there before its user can send to the room), else from
	 * this node's memory.
	 * @param room the room
	 * @return a copy of the members
	 */
	Set<String> members(String room) {
		if (this.bus.shared()) {
			return Set.copyOf(this.store.roomMembers(room));
		}
		return Set.copyOf(rooms().getOrDefault(room, Set.of()));
	}

	/**
	 * Return whether the user's receipts may be fanned out.
	 * @param userId the reader
	 * @return whether the user shares read receipts
	 */
	boolean sharesReadReceipts(String userId) {
		return privacyOf(userId).readReceipts();
	}

	private void updatePrivacy(String userId, JsonNode payload) {
		PrivacySettings settings = PrivacySettings.fromPayload(payload);
		this.store.savePrivacy(userId, settings, this.clock.instant());
		this.privacy.put(userId, settings);
	}

	/**
	 * Return a user's privacy settings. Several nodes read them from the store at each
	 * use rather than keep caches in step over the bus: a change then applies on every
	 * node at once, and still while the bus (Redis) is unreachable, when a missed
	 * invalidation would leak what the user keeps private. The cost is one primary-key
	 * read per typing signal or receipt, next to the read of the room's members those
	 * already make. One node caches them, loading a user's from the store at first use
	 * (after a restart).
	 * @param userId the user
	 * @return the user's settings, sharing all when the user never sent any
	 */
	private PrivacySettings privacyOf(String userId) {
		if (this.bus.shared()) {
			return stored(userId);
		}
		PrivacySettings known = this.privacy.get(userId);
		if (known != null) {
			return known;
		}
		PrivacySettings loaded = stored(userId);
		PrivacySettings raced = this.privacy.putIfAbsent(userId, loaded);
		return (raced != null) ? raced : loaded;
	}

	private PrivacySettings stored(String userId) {
		PrivacySettings stored = this.store.findPrivacy(userId);
		return (stored != null) ? stored : PrivacySettings.SHARE_ALL;
	}

	/**
	 * The last connection of a user closed: announce it offline.
	 * @param userId the user who went offline
	 */
	void disconnected(String userId) {
		this.bus.disconnected(userId,
				() -> publishPresence(userId, PresenceStatus.OFFLINE, this.codec.toPayload(null)));
	}

	private void onPresence(HubSession session, JsonNode payload) {
		PresenceStatus status = PresenceStatus.fromWireName(text(payload, "status").orElse(null));
		if (status == null) {
			logger.debug("Ignoring presence.update without a known status from " + session);
			return;
		}
		JsonNode metadata = payload.path("metadata");
		publishPresence(session.userId(), status, metadata.isObject() ? metadata : this.codec.toPayload(null));
		if (session.markPresenceSynced()) {
			sendPresenceOf(coMembers(session.userId()), Set.of(session));
		}
	}

	private void publishPresence(String userId, PresenceStatus status, JsonNode metadata) {
		JsonNode payload = presencePayload(userId, status, metadata);
		this.bus.putPresence(userId, payload);
		send(coMembers(userId), new MetaFrame(MetaFrame.PRESENCE_UPDATE, payload));
	}

	private JsonNode presencePayload(String userId, PresenceStatus status, JsonNode metadata) {
		Map<String, Object> update = new LinkedHashMap<>();
		update.put("user_id", userId);
		update.put("status", status.wireName());
		update.put("metadata", metadata);
		update.put("timestamp", this.clock.instant().toString());
		return this.codec.toPayload(update);
	}

	private @Nullable ErrorFrame onTyping(String userId, String event, JsonNode payload) {
		Optional<String> channel = text(payload, "channel_id").filter(ChannelFields::isId);
		if (channel.isEmpty()) {
			logger.debug("Dropping " + event + " of '" + userId + "': its channel_id is not " + ChannelFields.ID_RULE);
			return null;
		}
		if (!privacyOf(userId).typingIndicators()) {
			logger.debug("Dropping " + event + " of '" + userId + "': typing indicators are private");
			return null;
		}
		if (MetaFrame.TYPING_START.equals(event)) {
			if (!join(userId, channel.get())) {
				return refused(event, channel.get());
			}
		}
		else if (!isMember(userId, channel.get())) {
			// a non-member never started typing there: nothing to tell the members
			logger.debug("Dropping " + event + " of '" + userId + "': not a member of the channel");
			return null;
		}
		send(otherMembers(channel.get(), userId),
				new MetaFrame(event, this.codec.toPayload(Map.of("channel_id", channel.get(), "user_id", userId))));
		return null;
	}

	/**
	 * Send the last known presence and custom fields of some users to some connections.
	 * @param users the users whose presence to send
	 * @param recipients the connections to send it to
	 */
	private void sendPresenceOf(Set<String> users, Set<HubSession> recipients) {
		List<MetaFrame> frames = new ArrayList<>();
		Map<String, JsonNode> presenceOf = this.bus.presenceOf(users);
		for (String user : users) {
			JsonNode presence = presenceOf.get(user);
			if (presence != null) {
				frames.add(new MetaFrame(MetaFrame.PRESENCE_UPDATE, presence));
			}
			JsonNode profile = profile(user);
			if (profile != null) {
				frames.add(new MetaFrame(MetaFrame.USER_UPDATED, profile));
			}
		}
		recipients.forEach((session) -> session.send(frames));
	}

	/**
	 * Return the users sharing a room with the user, not the user: from the store when
	 * several nodes share it, like {@link #members(String)}.
	 * @param userId the user
	 * @return the users sharing a room with the user
	 */
	private Set<String> coMembers(String userId) {
		if (this.bus.shared()) {
			return this.store.roomMates(userId);
		}
		Set<String> result = new HashSet<>();
		for (Set<String> room : rooms().values()) {
			if (room.contains(userId)) {
				result.addAll(room);
			}
		}
		result.remove(userId);
		return result;
	}

	private void send(Set<String> users, MetaFrame frame) {
		this.bus.send(users, frame);
	}

	private static Optional<String> text(JsonNode payload, String field) {
		return payload.path(field).stringValueOpt().filter((value) -> !value.isBlank());
	}

}

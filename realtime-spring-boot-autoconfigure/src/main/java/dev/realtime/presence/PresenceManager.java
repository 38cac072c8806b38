package dev.realtime.presence;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.Subscription;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PresenceStatus;
import dev.realtime.protocol.UserIds;

/**
 * Presence of the client's user and of the users the hub tells it about.
 * <p>
 * The own status is sent as the meta signal {@value MetaFrame#PRESENCE_UPDATE} with
 * payload {@code {"status": "online|away|busy|offline", "metadata": {…}}}, and announced
 * again after every reconnect, so the hub (which announces {@code offline} when the last
 * connection of a user closes) always knows it. Statuses of other users arrive as
 * {@value MetaFrame#PRESENCE_UPDATE} from the hub with payload {@code user_id},
 * {@code status}, {@code metadata}, {@code timestamp}, and are kept as the last known
 * presence of each user. The custom fields of other users' profiles arrive as
 * {@value MetaFrame#USER_UPDATED} with payload {@code user_id}, {@code custom},
 * {@code timestamp}, and are kept likewise.
 */
public class PresenceManager implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(PresenceManager.class);

	private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {
	};

	/**
	 * The most users whose presence, and whose custom fields, are kept: a hub that
	 * announces ever new users cannot grow the heap without bound. Announcements of users
	 * beyond it are dropped (and logged); those of users already known still apply.
	 */
	static final int MAX_KNOWN_USERS = 100_000;

	private final MetaSignalClient client;

	private final ObjectMapper mapper;

	private final Clock clock;

	private final Map<String, UserPresence> users = new ConcurrentHashMap<>();

	private final List<Consumer<UserPresence>> listeners = new CopyOnWriteArrayList<>();

	private final Map<String, UserCustomFields> customFields = new ConcurrentHashMap<>();

	private final List<Consumer<UserCustomFields>> customFieldsListeners = new CopyOnWriteArrayList<>();

	private final List<Subscription> subscriptions;

	private volatile UserPresence own;

	/**
	 * Create a manager for a client; the user starts {@link PresenceStatus#ONLINE} with
	 * no metadata, announced at every connect.
	 * @param client the client
	 * @param mapper converts metadata to and from JSON
	 * @param clock the clock for changes the hub did not timestamp
	 */
	public PresenceManager(MetaSignalClient client, ObjectMapper mapper, Clock clock) {
		this.client = client;
		this.mapper = mapper;
		this.clock = clock;
		this.own = new UserPresence(client.userId(), PresenceStatus.ONLINE, Map.of(), clock.instant());
		this.subscriptions = List.of(client.onMeta(this::onMeta), client.onConnectionStateChange((change) -> {
			if (change.current() == ConnectionState.CONNECTED) {
				announce();
			}
		}));
		if (client.connectionState() == ConnectionState.CONNECTED) {
			announce();
		}
	}

	/**
	 * Set the user's status and tell the hub now if connected, else at the next connect.
	 * @param status the status
	 * @param metadata what to attach, for example {@code Map.of("text", "In a meeting")};
	 * may be empty
	 * @return a future completed with whether the update was written to the connection
	 * now
	 */
	public CompletableFuture<Boolean> updatePresence(PresenceStatus status, Map<String, ?> metadata) {
		this.own = new UserPresence(this.client.userId(), status, copy(metadata), this.clock.instant());
		return announce();
	}

	/**
	 * Return the user's own presence, as last set.
	 * @return the own presence
	 */
	public UserPresence ownPresence() {
		return this.own;
	}

	/**
	 * Return the last known presence of a user.
	 * @param userId the user
	 * @return the presence, empty when the hub has not told about the user
	 */
	public Optional<UserPresence> getPresence(String userId) {
		return Optional.ofNullable(this.users.get(userId));
	}

	/**
	 * Return the last known presence of every user the hub told about (not the own user).
	 * @return a snapshot by user id
	 */
	public Map<String, UserPresence> getAllPresence() {
		return Collections.unmodifiableMap(new LinkedHashMap<>(this.users));
	}

	/**
	 * Return whether a user is known to be connected: {@link PresenceStatus#ONLINE},
	 * {@link PresenceStatus#AWAY} or {@link PresenceStatus#BUSY}.
	 * @param userId the user
	 * @return whether the user is online
	 */
	public boolean isOnline(String userId) {
		UserPresence presence = this.users.get(userId);
		return presence != null && presence.isOnline();
	}

	/**
	 * Register a listener for presence changes of other users. It is called on the
	 * client's connection thread: keep it short.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	public Subscription onPresenceChange(Consumer<UserPresence> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	/**
	 * Return the last known custom fields of another user's profile.
	 * @param userId the user
	 * @return the custom fields, empty when the hub has not told about the user's profile
	 */
	public Optional<UserCustomFields> getCustomFields(String userId) {
		return Optional.ofNullable(this.customFields.get(userId));
	}

	/**
	 * Register a listener for changes of other users' custom fields. It is called on the
	 * client's connection thread: keep it short.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	public Subscription onCustomFieldsChange(Consumer<UserCustomFields> listener) {
		this.customFieldsListeners.add(listener);
		return () -> this.customFieldsListeners.remove(listener);
	}

	private CompletableFuture<Boolean> announce() {
		UserPresence presence = this.own;
		Map<String, Object> payload = new LinkedHashMap<>();
		payload.put("status", presence.status().wireName());
		payload.put("metadata", presence.metadata());
		return this.client.sendMeta(MetaFrame.PRESENCE_UPDATE, payload);
	}

	private void onMeta(MetaFrame meta) {
		if (MetaFrame.USER_UPDATED.equals(meta.event())) {
			onUserUpdated(meta.payload());
			return;
		}
		if (!MetaFrame.PRESENCE_UPDATE.equals(meta.event())) {
			return;
		}
		JsonNode payload = meta.payload();
		Optional<String> userId = payload.path("user_id").stringValueOpt().filter(UserIds::isValid);
		PresenceStatus status = PresenceStatus.fromWireName(payload.path("status").stringValueOpt().orElse(null));
		if (userId.isEmpty() || status == null) {
			logger.warn("Ignoring a presence.update from the hub without a valid user_id (" + UserIds.RULE
					+ ") or a known status");
			ObservableClient.countInvalidFrameOf(this.client);
			return;
		}
		if (!roomFor(this.users, userId.get(), MetaFrame.PRESENCE_UPDATE)) {
			return;
		}
		JsonNode metadata = payload.path("metadata");
		UserPresence presence = new UserPresence(userId.get(), status,
				metadata.isObject() ? copy(this.mapper.convertValue(metadata, METADATA)) : Map.of(),
				timestamp(payload.path("timestamp").stringValueOpt().orElse(null)));
		this.users.put(presence.userId(), presence);
		notify(this.listeners, presence);
	}

	private void onUserUpdated(JsonNode payload) {
		Optional<String> userId = payload.path("user_id").stringValueOpt().filter(UserIds::isValid);
		JsonNode custom = payload.path("custom");
		if (userId.isEmpty() || !custom.isObject()) {
			logger.warn("Ignoring a user.updated from the hub without a valid user_id (" + UserIds.RULE
					+ ") or a custom object");
			ObservableClient.countInvalidFrameOf(this.client);
			return;
		}
		if (!roomFor(this.customFields, userId.get(), MetaFrame.USER_UPDATED)) {
			return;
		}
		UserCustomFields fields = new UserCustomFields(userId.get(), copy(this.mapper.convertValue(custom, METADATA)),
				timestamp(payload.path("timestamp").stringValueOpt().orElse(null)));
		this.customFields.put(fields.userId(), fields);
		notify(this.customFieldsListeners, fields);
	}

	/**
	 * Return whether a user's entry may be kept: known already, or room for one more.
	 * @param known the entries
	 * @param userId the user
	 * @param event the announcement, for the log
	 * @return whether to keep it
	 */
	private static boolean roomFor(Map<String, ?> known, String userId, String event) {
		if (known.size() < MAX_KNOWN_USERS || known.containsKey(userId)) {
			return true;
		}
		logger.warn("Ignoring a " + event + " from the hub for user '" + userId + "': " + MAX_KNOWN_USERS
				+ " users are known already");
		return false;
	}

	private static <T> void notify(List<Consumer<T>> listeners, T change) {
		for (Consumer<T> listener : listeners) {
			try {
				listener.accept(change);
			}
			catch (RuntimeException ex) {
				logger.warn("Presence listener failed", ex);
			}
		}
	}

	private Instant timestamp(@Nullable String text) {
		if (text != null) {
			try {
				return Instant.parse(text);
			}
			catch (DateTimeParseException ex) {
				logger.debug("Ignoring unparsable presence timestamp '" + text + "'");
			}
		}
		return this.clock.instant();
	}

	/**
	 * Copy metadata; it may hold JSON nulls, which {@code Map.copyOf} refuses.
	 * @param metadata the metadata to copy
	 * @return an unmodifiable copy, in the same order
	 */
	private static Map<String, Object> copy(Map<String, ?> metadata) {
		return Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	@Override
	public void close() {
		this.subscriptions.forEach(Subscription::close);
	}

}

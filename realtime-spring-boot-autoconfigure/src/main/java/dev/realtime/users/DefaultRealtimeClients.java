package dev.realtime.users;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.Placement;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.Subscription;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.presence.PresenceManager;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.typing.TypingManager;

/**
 * The default {@link RealtimeClients}: builds a client per user with the application's
 * {@link RealtimeClientFactory}, registers the user with the {@link UserAssignments}, and
 * connects the client while this instance is assigned the user. Each user's client gets
 * the application's {@code @RealtimeListener} methods, publishes its events as
 * application events like the client of {@code realtime.user-id}, and has presence,
 * typing indicators and read receipts of its own. Connects assigned users when the
 * application starts, and disconnects them (keeping their data) when it stops.
 */
public class DefaultRealtimeClients
		implements RealtimeClients, UserAssignments.Listener, SmartLifecycle, DisposableBean {

	private static final Log logger = LogFactory.getLog(DefaultRealtimeClients.class);

	private final UserClientSource clientSource;

	private final UserAssignments assignments;

	private final Features features;

	private final @Nullable Function<RealtimeClient, Subscription> listeners;

	private final ApplicationEventPublisher publisher;

	private final Duration flushTimeout;

	private final Supplier<@Nullable RealtimeClient> defaultClient;

	private final Map<String, UserClient> users = new ConcurrentHashMap<>();

	private final List<Observer> observers = new CopyOnWriteArrayList<>();

	/** Expires remote typists of every user's typing manager: one thread for all. */
	private final ScheduledExecutorService typingExpirer = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "realtime-users-typing");
		thread.setDaemon(true);
		return thread;
	});

	private volatile boolean running;

	private boolean started;

	/**
	 * Create the registry.
	 * @param clientSource builds a user's client
	 * @param assignments decides which users this instance runs
	 * @param features what each user's presence, typing and receipts are built with
	 * @param listeners attaches the application's {@code @RealtimeListener} methods to a
	 * client, if it has any
	 * @param publisher publishes the clients' events
	 * @param flushTimeout longest wait for pending events in
	 * {@code disconnectUser(id, true)}
	 * @param defaultClient supplies the client of {@code realtime.user-id}, if any
	 */
	public DefaultRealtimeClients(UserClientSource clientSource, UserAssignments assignments, Features features,
			@Nullable Function<RealtimeClient, Subscription> listeners, ApplicationEventPublisher publisher,
			Duration flushTimeout, Supplier<@Nullable RealtimeClient> defaultClient) {
		this.clientSource = clientSource;
		this.assignments = assignments;
		this.features = features;
		this.listeners = listeners;
		this.publisher = publisher;
		this.flushTimeout = flushTimeout;
		this.defaultClient = defaultClient;
	}

	// --- RealtimeClients
	// -------------------------------------------------------------------

	@Override
	public RealtimeClient connectUser(UserProfile profile) {
		return connectUser(profile, Placement.PINNED);
	}

	@Override
	public RealtimeClient connectUser(UserProfile profile, Placement placement) {
		requireNotDefault(profile.id());
		if (placement == Placement.SHARED && !this.clientSource.factory().isDurable()) {
			throw new IllegalStateException("User '" + profile.id() + "' cannot be placed SHARED: shared users need "
					+ "the durable outbox (a DataSource with spring-boot-starter-data-jpa), which every instance "
					+ "reads; connect the user PINNED to keep it on this instance");
		}
		UserClient user;
		synchronized (this) {
			user = this.users.get(profile.id());
			if (user == null) {
				user = create(profile);
			}
			else {
				user.update(profile);
			}
			user.local = true;
			user.placement = placement;
		}
		this.assignments.register(profile, placement);
		return user.client;
	}

	@Override
	public void updateUser(UserProfile profile) {
		UserClient user = this.users.get(profile.id());
		if (user == null || !user.local) {
			throw new IllegalStateException("User '" + profile.id() + "' is not connected through connectUser here");
		}
		user.update(profile);
		this.assignments.register(profile, user.placement);
	}

	@Override
	public Optional<RealtimeClient> get(String userId) {
		UserClient user = this.users.get(userId);
		if (user != null) {
			return Optional.of(user.client);
		}
		RealtimeClient byDefault = this.defaultClient.get();
		return (byDefault != null && byDefault.userId().equals(userId)) ? Optional.of(byDefault) : Optional.empty();
	}

	@Override
	public Optional<UserProfile> profile(String userId) {
		return Optional.ofNullable(this.users.get(userId)).map((user) -> user.announcer.profile());
	}

	@Override
	public boolean disconnectUser(String userId, boolean flush) {
		requireNotDefault(userId);
		UserClient user = this.users.remove(userId);
		if (user != null && flush) {
			PendingEventsDrain.await(user.client, this.flushTimeout);
		}
		// told before the data goes: no other instance takes the user over meanwhile
		this.assignments.unregister(userId);
		if (user != null) {
			user.client.disconnect(flush);
			close(user);
			return true;
		}
		if (flush) {
			// the user runs nowhere here: its rows are deleted through a client that
			// never
			// connects
			try (DefaultRealtimeClient client = this.clientSource.createWithoutToken(userId)) {
				client.disconnect(true);
			}
		}
		return false;
	}

	@Override
	public Set<String> users() {
		Set<String> ids = new TreeSet<>(this.users.keySet());
		RealtimeClient byDefault = this.defaultClient.get();
		if (byDefault != null) {
			ids.add(byDefault.userId());
		}
		return Collections.unmodifiableSet(ids);
	}

	@Override
	public Set<String> connectedUsers() {
		Set<String> ids = new TreeSet<>();
		this.users.forEach((id, user) -> {
			if (user.client.connectionState() == ConnectionState.CONNECTED) {
				ids.add(id);
			}
		});
		RealtimeClient byDefault = this.defaultClient.get();
		if (byDefault != null && byDefault.connectionState() == ConnectionState.CONNECTED) {
			ids.add(byDefault.userId());
		}
		return Collections.unmodifiableSet(ids);
	}

	@Override
	public PresenceManager presence(String userId) {
		return feature(userId, (user) -> user.presence, this.features.defaultPresence());
	}

	@Override
	public TypingManager typing(String userId) {
		return feature(userId, (user) -> user.typing, this.features.defaultTyping());
	}

	@Override
	public ReadReceiptManager receipts(String userId) {
		return feature(userId, (user) -> user.receipts, this.features.defaultReceipts());
	}

	/**
	 * Return the clients of the users connected through this registry (not the client of
	 * {@code realtime.user-id}), for health and metrics.
	 * @return a snapshot
	 */
	public List<ObservableClient> clients() {
		List<ObservableClient> clients = new ArrayList<>(this.users.size());
		this.users.values().forEach((user) -> clients.add(user.client));
		return clients;
	}

	/**
	 * Register an observer told when a user's client is created or closed.
	 * @param observer the observer, told at once about the clients that exist
	 */
	public void addObserver(Observer observer) {
		this.observers.add(observer);
		this.users.values().forEach((user) -> observer.added(user.client));
	}

	// --- UserAssignments.Listener
	// -----------------------------------------------------------

	@Override
	public void assigned(UserProfile profile) {
		UserClient user;
		synchronized (this) {
			user = this.users.get(profile.id());
			if (user == null) {
				user = create(profile);
			}
			else if (!user.announcer.profile().equals(profile)) {
				user.update(profile);
			}
			user.assigned = true;
		}
		if (this.running) {
			user.client.connect();
		}
	}

	@Override
	public void revoked(String userId) {
		UserClient user;
		boolean forget;
		synchronized (this) {
			user = this.users.get(userId);
			if (user == null) {
				return;
			}
			user.assigned = false;
			// a user this instance only ran for another one is forgotten; one connected
			// here keeps its client, which still sends through the shared outbox
			forget = !user.local;
			if (forget) {
				this.users.remove(userId);
			}
		}
		user.client.disconnect(false);
		if (forget) {
			close(user);
		}
	}

	// --- lifecycle
	// -------------------------------------------------------------------------

	@Override
	public void start() {
		this.running = true;
		boolean first;
		synchronized (this) {
			first = !this.started;
			this.started = true;
		}
		if (first) {
			this.assignments.start(this);
		}
		this.users.values().forEach((user) -> {
			if (user.assigned) {
				user.client.connect();
			}
		});
	}

	@Override
	public void stop() {
		this.running = false;
		// first: the clients stopped next release their leases, which the assignments
		// would otherwise take for leases lost to another instance
		synchronized (this) {
			this.started = false;
		}
		this.assignments.stop();
		this.users.values().forEach((user) -> user.client.disconnect(false));
	}

	@Override
	public int getPhase() {
		return RealtimeClientLifecycle.PHASE;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public void destroy() {
		List<UserClient> all = new ArrayList<>(this.users.values());
		this.users.clear();
		all.forEach(this::close);
		this.typingExpirer.shutdownNow();
	}

	// --- internals
	// -------------------------------------------------------------------------

	private void requireNotDefault(String userId) {
		RealtimeClient byDefault = this.defaultClient.get();
		if (byDefault != null && byDefault.userId().equals(userId)) {
			throw new IllegalArgumentException("User '" + userId + "' is the application's own client "
					+ "(realtime.user-id): use that RealtimeClient bean instead");
		}
	}

	/**
	 * Build a user's client and features and add it; the caller holds the lock.
	 * @param profile the user's profile
	 * @return the user
	 */
	private UserClient create(UserProfile profile) {
		DefaultRealtimeClient client = this.clientSource.create(profile.id());
		UserClient user = new UserClient(client, profile, this.features, this.listeners, this.publisher,
				this.typingExpirer);
		this.users.put(profile.id(), user);
		this.observers.forEach((observer) -> observer.added(client));
		return user;
	}

	private void close(UserClient user) {
		this.observers.forEach((observer) -> observer.removed(user.client));
		user.close();
	}

	private <T> T feature(String userId, Function<UserClient, T> feature, Supplier<@Nullable T> byDefault) {
		UserClient user = this.users.get(userId);
		if (user != null) {
			return feature.apply(user);
		}
		RealtimeClient client = this.defaultClient.get();
		T fromDefault = (client != null && client.userId().equals(userId)) ? byDefault.get() : null;
		if (fromDefault == null) {
			throw new NoSuchElementException("User '" + userId + "' has no realtime client here");
		}
		return fromDefault;
	}

	/**
	 * Told when a user's client is created or closed.
	 */
	public interface Observer {

		/**
		 * A user's client was created.
		 * @param client the client
		 */
		void added(ObservableClient client);

		/**
		 * A user's client is about to be closed.
		 * @param client the client
		 */
		void removed(ObservableClient client);

	}

	/**
	 * How a user's client is built: by the application's factory, with the user's
	 * settings and token provider.
	 *
	 * @param factory builds the clients
	 * @param settings the settings of a user's client
	 * @param tokens supplies a user's token provider, or throws
	 * {@link IllegalStateException} saying why the user cannot have one
	 */
	public record UserClientSource(RealtimeClientFactory factory, Function<String, ClientSettings> settings,
			Function<String, TokenProvider> tokens) {

		/**
		 * Build the client of a user.
		 * @param userId the user
		 * @return the client, not connected yet
		 * @throws IllegalStateException if the user cannot have a token provider
		 */
		DefaultRealtimeClient create(String userId) {
			TokenProvider userTokens = this.tokens.apply(userId);
			return this.factory.create(this.settings.apply(userId), userTokens);
		}

		/**
		 * Build a client of a user that never connects, to reach the user's stored data.
		 * @param userId the user
		 * @return the client
		 */
		DefaultRealtimeClient createWithoutToken(String userId) {
			return this.factory.create(this.settings.apply(userId), NoToken.INSTANCE);
		}

	}

	/**
	 * What each user's presence, typing indicators and read receipts are built with, and
	 * those of the client of {@code realtime.user-id}.
	 *
	 * @param mapper converts presence metadata
	 * @param receiptStore keeps every user's read receipts
	 * @param typingExpiry how long a remote user counts as typing
	 * @param typingThrottle the least time between two {@code typing.start} of a channel
	 * @param defaultPresence the presence of the client of {@code realtime.user-id}
	 * @param defaultTyping the typing indicators of that client
	 * @param defaultReceipts the read receipts of that client
	 */
	public record Features(ObjectMapper mapper, ReceiptStore receiptStore, Duration typingExpiry,
			Duration typingThrottle, Supplier<@Nullable PresenceManager> defaultPresence,
			Supplier<@Nullable TypingManager> defaultTyping, Supplier<@Nullable ReadReceiptManager> defaultReceipts) {
	}

	/**
	 * The token of a client that never connects.
	 */
	private enum NoToken implements TokenProvider {

		INSTANCE;

		@Override
		public @Nullable String getToken() {
			return null;
		}

	}

}

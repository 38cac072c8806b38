package dev.realtime.typing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.Subscription;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.protocol.UserIds;

/**
 * Typing indicators of the client's user and of the users typing in channels it shares.
 * <p>
 * Sends the meta signals {@value MetaFrame#TYPING_START} and
 * {@value MetaFrame#TYPING_STOP} with payload {@code {"channel_id": …}}, at most one
 * {@code typing.start} per channel per throttle interval. Receives them from the hub with
 * the typist's {@code user_id} added; a remote user counts as typing until
 * {@code typing.stop}, or until the expiry passes without a new {@code typing.start} (a
 * client that crashed mid-sentence sends no stop). Nothing is sent when the user's
 * {@link PrivacySettings} disable typing indicators.
 */
public class TypingManager implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(TypingManager.class);

	/**
	 * The most remote typists kept at once, across channels: a hub that announces endless
	 * users cannot fill the heap with them (each expires after the expiry).
	 */
	static final int MAX_TYPISTS = 100_000;

	private final MetaSignalClient client;

	private final Supplier<PrivacySettings> privacy;

	private final Duration expiry;

	private final Duration throttle;

	private final Clock clock;

	private final ScheduledExecutorService expirer;

	private final boolean ownsExpirer;

	/** Remote typists by channel, with when each expires. Guarded by {@code this}. */
	private final Map<String, Map<String, Instant>> typists = new HashMap<>();

	/** How many typists {@link #typists} holds. Guarded by {@code this}. */
	private int typistCount;

	/**
	 * When the last {@code typing.start} was sent, by channel. Guarded by {@code this}.
	 */
	private final Map<String, Instant> lastStartSent = new HashMap<>();

	private final List<Consumer<TypingEvent>> listeners = new CopyOnWriteArrayList<>();

	private final Subscription subscription;

	/**
	 * Create a manager for a client.
	 * @param client the client
	 * @param privacy the user's privacy settings
	 * @param expiry how long a remote user counts as typing after a {@code typing.start}
	 * @param throttle the least time between two {@code typing.start} of a channel
	 * @param clock the clock
	 */
	public TypingManager(MetaSignalClient client, PrivacySettings privacy, Duration expiry, Duration throttle,
			Clock clock) {
		this(client, () -> privacy, expiry, throttle, clock, null);
	}

	/**
	 * Create a manager for one of many clients, sharing an expiry thread with the others.
	 * @param client the client
	 * @param privacy supplies the user's current privacy settings
	 * @param expiry how long a remote user counts as typing after a {@code typing.start}
	 * @param throttle the least time between two {@code typing.start} of a channel
	 * @param clock the clock
	 * @param expirer runs the expiry checks; {@code null} for a thread of this manager's
	 * own, which {@link #close()} stops (a given one is left running)
	 */
	public TypingManager(MetaSignalClient client, Supplier<PrivacySettings> privacy, Duration expiry, Duration throttle,
			Clock clock, @Nullable ScheduledExecutorService expirer) {
		if (expiry.isNegative() || expiry.isZero() || throttle.isNegative()) {
			throw new IllegalArgumentException("Typing expiry must be positive and throttle not negative");
		}
		this.client = client;
		this.privacy = privacy;
		this.expiry = expiry;
		this.throttle = throttle;
		this.clock = clock;
		this.ownsExpirer = expirer == null;
		this.expirer = (expirer != null) ? expirer : Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, "realtime-typing-" + client.userId());
			thread.setDaemon(true);
			return thread;
		});
		this.subscription = client.onMeta(this::onMeta);
	}

	/**
	 * Tell the users of a channel that this user is typing, or stopped. Call it on every
	 * keystroke: starts are throttled. A no-op (logged at debug level) when the user's
	 * privacy settings disable typing indicators.
	 * @param channelId the channel
	 * @param typing whether the user is typing
	 * @return a future completed with whether a signal was written to the connection
	 * @throws IllegalArgumentException if the channel id is blank or not
	 * {@value ChannelFields#ID_RULE}
	 */
	public CompletableFuture<Boolean> sendTypingIndicator(String channelId, boolean typing) {
		ChannelFields.requireId("Channel id", channelId);
		if (!this.privacy.get().typingIndicators()) {
			logger.debug("Not sending a typing indicator for channel '" + channelId
					+ "': typing indicators are disabled (realtime.privacy.typing-indicators)");
			return CompletableFuture.completedFuture(false);
		}
		Instant now = this.clock.instant();
		synchronized (this) {
			if (typing) {
				Instant last = this.lastStartSent.get(channelId);
				if (last != null && now.isBefore(last.plus(this.throttle))) {
					return CompletableFuture.completedFuture(false);
				}
				this.lastStartSent.put(channelId, now);
			}
			else {
				// the next start after a stop is news: do not throttle it
				this.lastStartSent.remove(channelId);
			}
		}
		return this.client.sendMeta(typing ? MetaFrame.TYPING_START : MetaFrame.TYPING_STOP,
				Map.of("channel_id", channelId));
	}

	/**
	 * Return the users currently typing in a channel (never the own user).
	 * @param channelId the channel
	 * @return the user ids
	 */
	public synchronized Set<String> getTypingUsers(String channelId) {
		Instant now = this.clock.instant();
		return this.typists.getOrDefault(channelId, Map.of())
			.entrySet()
			.stream()
			.filter((entry) -> entry.getValue().isAfter(now))
			.map(Map.Entry::getKey)
			.collect(Collectors.toUnmodifiableSet());
	}

	/**
	 * Register a listener told when a remote user starts typing, stops or expires. It
	 * runs on the client's connection thread or on the expiry thread: keep it short.
	 * @param listener the listener
	 * @return a subscription that removes the listener when closed
	 */
	public Subscription onTypingChange(Consumer<TypingEvent> listener) {
		this.listeners.add(listener);
		return () -> this.listeners.remove(listener);
	}

	private void onMeta(MetaFrame meta) {
		boolean start = MetaFrame.TYPING_START.equals(meta.event());
		if (!start && !MetaFrame.TYPING_STOP.equals(meta.event())) {
			return;
		}
		Optional<String> channelId = meta.payload().path("channel_id").stringValueOpt().filter(ChannelFields::isId);
		Optional<String> userId = meta.payload().path("user_id").stringValueOpt().filter(UserIds::isValid);
		if (channelId.isEmpty() || userId.isEmpty()) {
			logger.warn("Ignoring a " + meta.event() + " from the hub without a channel_id of " + ChannelFields.ID_RULE
					+ " or a valid user_id (" + UserIds.RULE + ")");
			ObservableClient.countInvalidFrameOf(this.client);
			return;
		}
		if (userId.get().equals(this.client.userId())) {
			return;
		}
		if (start) {
			started(channelId.get(), userId.get());
		}
		else {
			stopped(channelId.get(), userId.get(), null);
		}
	}

	private void started(String channelId, String userId) {
		Instant expiresAt = this.clock.instant().plus(this.expiry);
		Instant previous;
		synchronized (this) {
			Map<String, Instant> channel = this.typists.get(channelId);
			previous = (channel != null) ? channel.get(userId) : null;
			if (previous == null && this.typistCount >= MAX_TYPISTS) {
				logger.warn("Ignoring a typing.start from the hub for user '" + userId + "': " + MAX_TYPISTS
						+ " remote users are typing already");
				return;
			}
			this.typists.computeIfAbsent(channelId, (key) -> new HashMap<>()).put(userId, expiresAt);
			if (previous == null) {
				this.typistCount++;
			}
		}
		if (previous == null) {
			scheduleExpiry(channelId, userId, this.expiry);
			notifyListeners(new TypingEvent(channelId, userId, true));
		}
	}

	private void scheduleExpiry(String channelId, String userId, Duration delay) {
		if (!this.expirer.isShutdown()) {
			this.expirer.schedule(() -> expire(channelId, userId), Math.max(1, delay.toMillis()),
					TimeUnit.MILLISECONDS);
		}
	}

	/**
	 * Remove a typist whose expiry passed, else check again when it will have: one check
	 * per typist, however often it renews.
	 * @param channelId the channel the user types in
	 * @param userId the typist
	 */
	private void expire(String channelId, String userId) {
		Instant expiresAt;
		synchronized (this) {
			expiresAt = this.typists.getOrDefault(channelId, Map.of()).get(userId);
		}
		if (expiresAt == null) {
			return;
		}
		Duration left = Duration.between(this.clock.instant(), expiresAt);
		if (left.isNegative() || left.isZero()) {
			stopped(channelId, userId, expiresAt);
		}
		else {
			scheduleExpiry(channelId, userId, left);
		}
	}

	/**
	 * Remove a typist, only if still at {@code expectedExpiry} when given (so an expiry
	 * check does not remove a user who started typing again meanwhile).
	 * @param channelId the channel the user typed in
	 * @param userId the typist
	 * @param expectedExpiry the expiry the typist must still have, or {@code null} to
	 * remove it whatever its expiry
	 */
	private void stopped(String channelId, String userId, @Nullable Instant expectedExpiry) {
		boolean removed;
		synchronized (this) {
			Map<String, Instant> channel = this.typists.get(channelId);
			removed = channel != null && ((expectedExpiry != null) ? channel.remove(userId, expectedExpiry)
					: channel.remove(userId) != null);
			if (removed) {
				this.typistCount--;
			}
			if (channel != null && channel.isEmpty()) {
				this.typists.remove(channelId);
			}
		}
		if (removed) {
			notifyListeners(new TypingEvent(channelId, userId, false));
		}
	}

	private void notifyListeners(TypingEvent event) {
		for (Consumer<TypingEvent> listener : this.listeners) {
			try {
				listener.accept(event);
			}
			catch (RuntimeException ex) {
				logger.warn("Typing listener failed", ex);
			}
		}
	}

	@Override
	public void close() {
		this.subscription.close();
		if (this.ownsExpirer) {
			this.expirer.shutdownNow();
		}
	}

}

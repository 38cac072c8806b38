package dev.realtime.users;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;

import dev.realtime.client.Placement;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.Subscription;
import dev.realtime.client.UserProfile;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.presence.PresenceManager;
import dev.realtime.presence.UserProfileAnnouncer;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.typing.TypingManager;

/**
 * A user's client in {@link DefaultRealtimeClients} and what is built on it: the
 * application's listeners, its events published, its profile announced, presence, typing
 * indicators and read receipts.
 */
final class UserClient {

	final DefaultRealtimeClient client;

	final UserProfileAnnouncer announcer;

	final PresenceManager presence;

	final TypingManager typing;

	final ReadReceiptManager receipts;

	private final List<Subscription> subscriptions = new ArrayList<>();

	/** Whether connectUser was called for the user here. */
	volatile boolean local;

	volatile Placement placement = Placement.PINNED;

	/** Whether this instance runs the user. */
	volatile boolean assigned;

	/**
	 * Build what a user's client carries, before the client connects, so that no event is
	 * missed.
	 * @param client the user's client
	 * @param profile the user's profile
	 * @param features what presence, typing and receipts are built with
	 * @param listeners attaches the application's {@code @RealtimeListener} methods, if
	 * any
	 * @param publisher publishes the client's events as application events
	 * @param typingExpirer expires remote users' typing indicators
	 */
	UserClient(DefaultRealtimeClient client, UserProfile profile, DefaultRealtimeClients.Features features,
			@Nullable Function<RealtimeClient, Subscription> listeners, ApplicationEventPublisher publisher,
			ScheduledExecutorService typingExpirer) {
		this.client = client;
		Clock clock = Clock.systemUTC();
		if (listeners != null) {
			this.subscriptions.add(listeners.apply(client));
		}
		this.subscriptions.addAll(RealtimeClientLifecycle.publishEvents(client, publisher));
		this.announcer = new UserProfileAnnouncer(client, profile);
		this.presence = new PresenceManager(client, features.mapper(), clock);
		this.typing = new TypingManager(client, () -> this.announcer.profile().privacy(), features.typingExpiry(),
				features.typingThrottle(), clock, typingExpirer);
		this.receipts = new ReadReceiptManager(client, features.receiptStore(),
				() -> this.announcer.profile().privacy(), clock);
	}

	void update(UserProfile profile) {
		this.announcer.update(profile);
	}

	void close() {
		this.subscriptions.forEach(Subscription::close);
		this.announcer.close();
		this.presence.close();
		this.typing.close();
		this.receipts.close();
		this.client.close();
	}

}

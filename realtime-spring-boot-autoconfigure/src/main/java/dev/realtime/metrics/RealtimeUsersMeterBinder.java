package dev.realtime.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.Subscription;

/**
 * The meters of the users an application connects at runtime: aggregate meters over all
 * users ({@link RealtimeMeters#USERS} by state, and the {@code realtime.users.messages.*}
 * counters, fed by the clients' listeners, never by store queries), and each user's own
 * {@link RealtimeClientMeterBinder client meters} tagged {@link RealtimeMeters#USER_TAG},
 * for at most a bounded number of users (or none), so the number of time series stays
 * bounded however many users connect.
 */
public class RealtimeUsersMeterBinder implements MeterBinder {

	private final Supplier<Collection<? extends ObservableClient>> clients;

	private final boolean userTag;

	private final int maxTaggedUsers;

	private final Duration storeCountsTtl;

	private final Map<ObservableClient, List<Subscription>> subscriptions = new ConcurrentHashMap<>();

	/** Users whose client meters are bound, by user. Guarded by this. */
	private final Map<String, ObservableClient> tagged = new ConcurrentHashMap<>();

	private volatile @Nullable MeterRegistry registry;

	private @Nullable Counter sent;

	private @Nullable Counter acked;

	private @Nullable Counter received;

	/**
	 * Create the binder.
	 * @param clients supplies the users' clients
	 * @param userTag whether users get meters of their own, tagged with their id
	 * @param maxTaggedUsers the most users with meters of their own; later users count in
	 * the aggregate meters only
	 * @param storeCountsTtl how long a user's store counts are reused by its meters
	 */
	public RealtimeUsersMeterBinder(Supplier<Collection<? extends ObservableClient>> clients, boolean userTag,
			int maxTaggedUsers, Duration storeCountsTtl) {
		this.clients = clients;
		this.userTag = userTag;
		this.maxTaggedUsers = maxTaggedUsers;
		this.storeCountsTtl = storeCountsTtl;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ConnectionState state : ConnectionState.values()) {
			RealtimeMeters.USERS.gauge(this.clients, (clients) -> count(clients.get(), state))
				.tags(RealtimeMeters.STATE_TAG, state.name().toLowerCase(Locale.ROOT))
				.register(registry);
		}
		synchronized (this) {
			this.sent = RealtimeMeters.USERS_MESSAGES_SENT.counter().register(registry);
			this.acked = RealtimeMeters.USERS_MESSAGES_ACKED.counter().register(registry);
			this.received = RealtimeMeters.USERS_MESSAGES_RECEIVED.counter().register(registry);
			this.registry = registry;
		}
		this.clients.get().forEach(this::added);
	}

	private static double count(Collection<? extends ObservableClient> clients, ConnectionState state) {
		return clients.stream().filter((client) -> client.connectionState() == state).count();
	}

	/**
	 * Count a user's client in the meters from now on.
	 * @param client the user's client
	 */
	public synchronized void added(ObservableClient client) {
		MeterRegistry current = this.registry;
		if (current == null || this.sent == null || this.acked == null || this.received == null
				|| this.subscriptions.containsKey(client)) {
			return;
		}
		Counter sentCounter = this.sent;
		Counter ackedCounter = this.acked;
		Counter receivedCounter = this.received;
		List<Subscription> listening = new ArrayList<>(3);
		listening.add(client.onSend((message, handle) -> sentCounter.increment()));
		listening.add(client.onAck((ack) -> ackedCounter.increment()));
		listening.add(client.onMessage((message) -> receivedCounter.increment()));
		this.subscriptions.put(client, listening);
		if (this.userTag && this.tagged.size() < this.maxTaggedUsers && !this.tagged.containsKey(client.userId())) {
			this.tagged.put(client.userId(), client);
			new RealtimeClientMeterBinder(client, new CachedClientMetrics(client, this.storeCountsTtl), null)
				.bindTo(current);
		}
	}

	/**
	 * Stop counting a user's client, and remove its own meters.
	 * @param client the user's client
	 */
	public synchronized void removed(ObservableClient client) {
		List<Subscription> listening = this.subscriptions.remove(client);
		if (listening != null) {
			listening.forEach(Subscription::close);
		}
		MeterRegistry current = this.registry;
		if (current != null && this.tagged.remove(client.userId(), client)) {
			for (Meter meter : List.copyOf(current.getMeters())) {
				if (client.userId().equals(meter.getId().getTag(RealtimeMeters.USER_TAG))
						&& meter.getId().getName().startsWith("realtime.")) {
					current.remove(meter);
				}
			}
		}
	}

	/**
	 * Return how many users have meters of their own.
	 * @return the number of tagged users
	 */
	public int taggedUsers() {
		return this.tagged.size();
	}

}

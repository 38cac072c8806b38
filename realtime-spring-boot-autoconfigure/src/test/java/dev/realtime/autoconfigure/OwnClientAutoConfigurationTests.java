package dev.realtime.autoconfigure;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.actuate.RealtimeEndpoint;
import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendListener;
import dev.realtime.client.SendOptions;
import dev.realtime.client.Subscription;
import dev.realtime.client.SyncCompletedEvent;
import dev.realtime.client.SyncResetEvent;
import dev.realtime.client.SyncStatus;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.metrics.RealtimeClientMeterBinder;
import dev.realtime.presence.PresenceManager;
import dev.realtime.privacy.PrivacyAnnouncer;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PresenceStatus;
import dev.realtime.typing.TypingManager;
import dev.realtime.users.RealtimeClientLifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application that supplies a client of its own, written against the client interfaces
 * and sharing no code with {@link DefaultRealtimeClient}, keeps the lifecycle, health,
 * meters, the endpoint and presence, typing and privacy.
 */
class OwnClientAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
				RealtimeMetricsAutoConfiguration.class, RealtimeHealthAutoConfiguration.class,
				RealtimeEndpointAutoConfiguration.class, RealtimePresenceAutoConfiguration.class,
				MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class))
		.withUserConfiguration(OwnClientConfiguration.class)
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"management.endpoints.web.exposure.include=realtime");

	@Test
	void ownClientGetsEveryFeatureAndIsConnectedByTheLifecycle() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeClientLifecycle.class)
				.hasSingleBean(RealtimeHealthIndicator.class)
				.hasSingleBean(RealtimeClientMeterBinder.class)
				.hasSingleBean(RealtimeEndpoint.class)
				.hasSingleBean(PresenceManager.class)
				.hasSingleBean(TypingManager.class)
				.hasSingleBean(PrivacyAnnouncer.class)
				.doesNotHaveBean(DefaultRealtimeClient.class);
			LoopbackClient client = context.getBean(LoopbackClient.class);
			assertThat(client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
			// presence and privacy announced themselves on the connect the lifecycle made
			assertThat(client.sentMeta()).extracting(MetaFrame::event)
				.contains(MetaFrame.PRESENCE_UPDATE, MetaFrame.PRIVACY_UPDATE);
			Health health = context.getBean(RealtimeHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UP);
			assertThat(health.getDetails()).containsEntry("user", "bob")
				.containsEntry("clientId", client.clientId())
				.containsEntry("sync", Map.of("caughtUp", true));
		});
	}

	@Test
	void sendsAndAcksOfTheOwnClientReachMetersAndEndpoint() {
		this.runner.run((context) -> {
			LoopbackClient client = context.getBean(LoopbackClient.class);
			client.sendEvent("chat.message", Map.of("text", "hi")).acknowledged().join();
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("realtime.ack.latency").tag("user", "bob").timer().count()).isOne();
			// the counters read a snapshot cached for realtime.metrics.store-counts-ttl
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(
						meters.get("realtime.messages.acked").tag("user", "bob").functionCounter().count())
					.isOne());
			RealtimeEndpoint.RealtimeDescriptor descriptor = context.getBean(RealtimeEndpoint.class).realtime();
			assertThat(descriptor.userId()).isEqualTo("bob");
			assertThat(descriptor.state()).isEqualTo(ConnectionState.CONNECTED);
			assertThat(descriptor.metrics().messagesSent()).isOne();
		});
	}

	@Test
	void reconnectsAndHealthFollowTheOwnClientsState() {
		this.runner.run((context) -> {
			LoopbackClient client = context.getBean(LoopbackClient.class);
			client.reconnect(Duration.ofMillis(40));
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			assertThat(meters.get("realtime.reconnect.duration").tag("user", "bob").timer().count()).isOne();
			client.disconnect();
			assertThat(context.getBean(RealtimeHealthIndicator.class).health().getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(meters.get("realtime.connected").tag("user", "bob").gauge().value()).isZero();
		});
	}

	@Test
	void presenceOfOtherUsersArrivesThroughTheOwnClientsMetaSignals() {
		this.runner.run((context) -> {
			LoopbackClient client = context.getBean(LoopbackClient.class);
			PresenceManager presence = context.getBean(PresenceManager.class);
			client.receiveMeta(MetaFrame.PRESENCE_UPDATE,
					Map.of("user_id", "carol", "status", "busy", "metadata", Map.of("text", "In a meeting")));
			assertThat(presence.getPresence("carol")).hasValueSatisfying((carol) -> {
				assertThat(carol.status()).isEqualTo(PresenceStatus.BUSY);
				assertThat(carol.metadata()).containsEntry("text", "In a meeting");
			});
			assertThat(context.getBean(TypingManager.class).sendTypingIndicator("general", true))
				.isCompletedWithValue(true);
			assertThat(client.sentMeta()).extracting(MetaFrame::event).contains(MetaFrame.TYPING_START);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class OwnClientConfiguration {

		// declared with its own type, which shows the interfaces the features ask for
		@Bean
		LoopbackClient ownClient() {
			return new LoopbackClient("bob", Clock.systemUTC());
		}

	}

	/**
	 * A client of the application's own whose hub is in the same process: it acks every
	 * event at once, records the meta signals it sends, and the test plays the hub's meta
	 * signals. Listeners run on the caller's thread.
	 */
	static final class LoopbackClient implements ObservableClient, MetaSignalClient {

		private final String userId;

		private final String clientId = UUID.randomUUID().toString();

		private final Clock clock;

		private final FrameCodec codec = new FrameCodec();

		private final AtomicLong sent = new AtomicLong();

		private final AtomicLong reconnects = new AtomicLong();

		private final List<Consumer<ConnectionStateChange>> stateListeners = new CopyOnWriteArrayList<>();

		private final List<Consumer<Acknowledgement>> ackListeners = new CopyOnWriteArrayList<>();

		private final List<Consumer<Duration>> reconnectListeners = new CopyOnWriteArrayList<>();

		private final List<SendListener> sendListeners = new CopyOnWriteArrayList<>();

		private final List<Consumer<MetaFrame>> metaListeners = new CopyOnWriteArrayList<>();

		private final List<MetaFrame> sentMeta = new CopyOnWriteArrayList<>();

		private final Sync sync = new Sync();

		private volatile ConnectionState state = ConnectionState.DISCONNECTED;

		LoopbackClient(String userId, Clock clock) {
			this.userId = userId;
			this.clock = clock;
		}

		@Override
		public String userId() {
			return this.userId;
		}

		@Override
		public String clientId() {
			return this.clientId;
		}

		@Override
		public void connect() {
			if (this.state != ConnectionState.CONNECTED) {
				moveTo(ConnectionState.CONNECTING, "connect requested");
				moveTo(ConnectionState.CONNECTED, "loopback ready");
			}
		}

		@Override
		public void disconnect() {
			disconnect(false);
		}

		@Override
		public void disconnect(boolean flushPersistence) {
			if (this.state != ConnectionState.DISCONNECTED) {
				moveTo(ConnectionState.DISCONNECTED, "disconnect requested");
			}
		}

		/**
		 * Lose the connection and get it back after the given outage.
		 */
		void reconnect(Duration outage) {
			moveTo(ConnectionState.RECONNECTING, "loopback cut");
			moveTo(ConnectionState.CONNECTED, "loopback back");
			this.reconnects.incrementAndGet();
			this.reconnectListeners.forEach((listener) -> listener.accept(outage));
		}

		private void moveTo(ConnectionState next, String reason) {
			ConnectionState previous = this.state;
			this.state = next;
			this.sync.caughtUp = next == ConnectionState.CONNECTED;
			ConnectionStateChange change = new ConnectionStateChange(this.userId, previous, next, reason, null);
			this.stateListeners.forEach((listener) -> listener.accept(change));
		}

		@Override
		public ConnectionState connectionState() {
			return this.state;
		}

		@Override
		public SendHandle sendEvent(String event, @Nullable Object payload) {
			return sendEvent(event, payload, SendOptions.defaults());
		}

		@Override
		public SendHandle sendEvent(String event, @Nullable Object payload, SendOptions options) {
			String key = Objects.requireNonNullElseGet(options.idempotencyKey(), () -> UUID.randomUUID().toString());
			Instant createdAt = this.clock.instant();
			OutboundMessage message = new OutboundMessage(key, event, this.codec.toPayloadJson(payload), createdAt);
			SendHandle handle = new SendHandle(key,
					Objects.requireNonNullElse(options.deliveryStrategy(), DeliveryStrategy.AT_LEAST_ONCE),
					new CompletableFuture<>());
			this.sendListeners.forEach((listener) -> listener.accepted(message, handle));
			long seq = this.sent.incrementAndGet();
			Acknowledgement ack = new Acknowledgement(key, seq, Duration.between(createdAt, this.clock.instant()));
			this.ackListeners.forEach((listener) -> listener.accept(ack));
			handle.acknowledged().complete(ack);
			return handle;
		}

		@Override
		public long pendingCount() {
			return 0;
		}

		@Override
		public Subscription onConnectionStateChange(Consumer<ConnectionStateChange> listener) {
			return register(this.stateListeners, listener);
		}

		@Override
		public Subscription onMessage(Consumer<InboundMessage> listener) {
			// nothing arrives but meta signals
			return () -> {
			};
		}

		@Override
		public Subscription onAck(Consumer<Acknowledgement> listener) {
			return register(this.ackListeners, listener);
		}

		@Override
		public ClientMetrics metrics() {
			long sent = this.sent.get();
			return new ClientMetrics(this.reconnects.get(), sent, sent, 0, 0, 0, 0, 0, 0, Duration.ZERO, 0, 0, null, 0,
					0);
		}

		@Override
		public @Nullable String lastError() {
			return null;
		}

		@Override
		public Subscription onSend(SendListener listener) {
			return register(this.sendListeners, listener);
		}

		@Override
		public Subscription onReconnected(Consumer<Duration> listener) {
			return register(this.reconnectListeners, listener);
		}

		@Override
		public Subscription onSyncReset(Consumer<SyncResetEvent> listener) {
			// the loopback never falls behind
			return () -> {
			};
		}

		@Override
		public SyncStatus syncProgress() {
			return this.sync;
		}

		@Override
		public Subscription onMeta(Consumer<MetaFrame> listener) {
			return register(this.metaListeners, listener);
		}

		@Override
		public CompletableFuture<Boolean> sendMeta(String event, @Nullable Object payload) {
			boolean connected = this.state == ConnectionState.CONNECTED;
			if (connected) {
				this.sentMeta.add(new MetaFrame(event, this.codec.toPayload(payload)));
			}
			return CompletableFuture.completedFuture(connected);
		}

		/**
		 * Play a meta signal from the hub.
		 */
		void receiveMeta(String event, Object payload) {
			MetaFrame frame = new MetaFrame(event, this.codec.toPayload(payload));
			this.metaListeners.forEach((listener) -> listener.accept(frame));
		}

		List<MetaFrame> sentMeta() {
			return this.sentMeta;
		}

		private static <T> Subscription register(List<T> listeners, T listener) {
			listeners.add(listener);
			return () -> listeners.remove(listener);
		}

		/**
		 * Caught up whenever connected: nothing is ever missed.
		 */
		private static final class Sync implements SyncStatus {

			private volatile boolean caughtUp;

			@Override
			public boolean isCaughtUp() {
				return this.caughtUp;
			}

			@Override
			public @Nullable SyncCompletedEvent lastCompleted() {
				return null;
			}

			@Override
			public @Nullable Instant lastResetAt() {
				return null;
			}

			@Override
			public Subscription onCompleted(Consumer<SyncCompletedEvent> listener) {
				return () -> {
				};
			}

		}

	}

}

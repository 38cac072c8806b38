package dev.realtime.autoconfigure;

import java.net.URI;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import javax.net.ssl.SSLContext;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.ClientRuntime;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.internal.WebSocketTransport;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.UserIds;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.transport.TransportProxy;

/**
 * Auto-configuration of the {@link RealtimeClient}: settings from {@code realtime.*}, the
 * transport ({@code realtime.transport}: WebSocket by default, or Socket.IO), the stores
 * (in memory unless a persistent store factory is configured) and the client's lifecycle.
 * <p>
 * The application may supply its own client instead. What the library builds on a client
 * (lifecycle, metrics, health, observations, the endpoint, presence, typing, privacy)
 * asks for the interfaces the client implements ({@link ObservableClient},
 * {@link dev.realtime.client.MetaSignalClient}), never for {@link DefaultRealtimeClient}:
 * declare the bean with a type that shows them.
 */
@AutoConfiguration(
		after = { RealtimeOutboxAutoConfiguration.class, RealtimeInboxAutoConfiguration.class,
				RealtimeAuthAutoConfiguration.class },
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration" })
@ConditionalOnRealtimeEnabled
@EnableConfigurationProperties({ RealtimeProperties.class, RealtimeAuthProperties.class })
@Import(SocketIoTransportConfiguration.class)
public final class RealtimeAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RealtimeAutoConfiguration.class);

	/**
	 * The settings of the application's own client, the client of
	 * {@code realtime.user-id}: without that property, the application has no client of
	 * its own and connects its users through {@code RealtimeClients}.
	 * @param properties the client's properties
	 * @param authProperties the authentication properties
	 * @param connectionDetails where the hub is, if the application says so apart from
	 * {@code realtime.url}
	 * @return the settings
	 */
	@Bean
	@ConditionalOnMissingBean
	@Conditional(OnUserIdCondition.class)
	ClientSettings realtimeClientSettings(RealtimeProperties properties, RealtimeAuthProperties authProperties,
			ObjectProvider<RealtimeConnectionDetails> connectionDetails) {
		return RealtimeSettingsMapper.forUsers(properties, authProperties, connectionDetails.getIfAvailable())
			.apply(RealtimePropertiesValidator.requireUserId(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	FrameCodec realtimeFrameCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new FrameCodec(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	OutboundQueueFactory realtimeOutboundQueueFactory(RealtimeProperties properties) {
		logger.warn("Realtime outbox, inbox and read receipts are in memory: events survive reconnects but not a "
				+ "restart. A DataSource (spring-boot-starter-jdbc) keeps them in the database, unless "
				+ "realtime.outbox.store=memory.");
		long maxSize = properties.getOutbox().getMaxSize();
		return (userId) -> new InMemoryOutboundQueue(maxSize);
	}

	@Bean
	@ConditionalOnMissingBean
	InboundStoreFactory realtimeInboundStoreFactory() {
		return (userId) -> new InMemoryInboundStore();
	}

	/**
	 * The threads every client of the application shares: their number does not grow with
	 * the number of users. Closed with the context, after the clients.
	 * @return the runtime
	 */
	@Bean
	@ConditionalOnMissingBean
	ClientRuntime realtimeClientRuntime() {
		return ClientRuntime.create();
	}

	@Bean
	@ConditionalOnMissingBean
	RealtimeClientFactory realtimeClientFactory(Transport transport, OutboundQueueFactory outboundQueues,
			InboundStoreFactory inboundStores, FrameCodec codec, ObjectProvider<ReceiptStore> receipts,
			ClientRuntime runtime) {
		return new RealtimeClientFactory(transport, outboundQueues, inboundStores, codec, receipts, runtime);
	}

	@Bean
	@ConditionalOnBean(ClientSettings.class)
	@ConditionalOnMissingBean(RealtimeClient.class)
	DefaultRealtimeClient realtimeClient(RealtimeClientFactory factory, ClientSettings settings,
			TokenProvider tokenProvider) {
		return factory.create(settings, tokenProvider);
	}

	@Bean
	@ConditionalOnSingleCandidate(ObservableClient.class)
	@ConditionalOnMissingBean
	RealtimeClientLifecycle realtimeClientLifecycle(ObservableClient client, RealtimeProperties properties,
			ApplicationEventPublisher publisher) {
		return new RealtimeClientLifecycle(client, properties.isAutoConnect(), publisher);
	}

	/**
	 * Look up the SSL bundle named by {@code realtime.ssl.bundle}.
	 * @param bundle the bundle's name, or {@code null}
	 * @param sslBundles the application's bundles
	 * @return the bundle, or {@code null} when none is named
	 */
	static @Nullable SslBundle sslBundle(@Nullable String bundle, ObjectProvider<SslBundles> sslBundles) {
		if (bundle == null) {
			return null;
		}
		SslBundles bundles = sslBundles.getIfAvailable();
		if (bundles == null) {
			throw new InvalidConfigurationPropertyValueException("realtime.ssl.bundle", bundle,
					"no SSL bundles are configured (spring.ssl.bundle.*)");
		}
		try {
			return bundles.getBundle(bundle);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidConfigurationPropertyValueException("realtime.ssl.bundle", bundle, ex.getMessage());
		}
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.websocket.ContainerProvider")
	@ConditionalOnProperty(name = "realtime.transport", havingValue = "websocket", matchIfMissing = true)
	static class WebSocketTransportConfiguration implements DisposableBean {

		/**
		 * Writes and closes sessions off the clients' event loops, so that a hub that
		 * stops reading holds up no other client: at most 16 threads however many clients
		 * there are (a write waits for a slow hub at most
		 * {@code WebSocketTransport.WRITE_TIMEOUT}); idle, it has none. Not a bean: an
		 * {@code Executor} bean would make Boot back off from its
		 * {@code applicationTaskExecutor}.
		 */
		private final ThreadPoolExecutor io = transportIo();

		static ThreadPoolExecutor transportIo() {
			ThreadPoolExecutor io = new ThreadPoolExecutor(16, 16, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
					(task) -> {
						Thread thread = new Thread(task, "realtime-transport");
						thread.setDaemon(true);
						return thread;
					});
			io.allowCoreThreadTimeOut(true);
			return io;
		}

		@Bean
		@ConditionalOnMissingBean
		Transport realtimeTransport(RealtimeProperties properties, ObjectProvider<SslBundles> sslBundles) {
			return webSocketTransport(properties, sslBundles, this.io,
					RealtimeHttpTransportAutoConfiguration.proxy(properties));
		}

		static WebSocketTransport webSocketTransport(RealtimeProperties properties,
				ObjectProvider<SslBundles> sslBundles, Executor io, TransportProxy proxy) {
			return new WebSocketTransport(RealtimePropertiesValidator.validateMaxFrameSize(properties),
					properties.getConnectTimeout(), io, sslContext(properties.getSsl().getBundle(), sslBundles), proxy);
		}

		static @Nullable SSLContext sslContext(@Nullable String bundle, ObjectProvider<SslBundles> sslBundles) {
			SslBundle sslBundle = sslBundle(bundle, sslBundles);
			return (sslBundle != null) ? sslBundle.createSslContext() : null;
		}

		@Override
		public void destroy() {
			this.io.shutdown();
		}

	}

	/**
	 * Maps properties to settings, naming the offending property when a value is invalid.
	 */
	static final class RealtimeSettingsMapper {

		private RealtimeSettingsMapper() {
		}

		/**
		 * Map the properties to the settings of any user's client, checking now what the
		 * properties alone decide.
		 * @param properties the client's properties
		 * @param authProperties the authentication properties
		 * @param connectionDetails where the hub is, if the application says so apart
		 * from {@code realtime.url}
		 * @return the settings of a user, or an {@link IllegalArgumentException} for an
		 * invalid user id
		 */
		static Function<String, ClientSettings> forUsers(RealtimeProperties properties,
				RealtimeAuthProperties authProperties, @Nullable RealtimeConnectionDetails connectionDetails) {
			URI url = (connectionDetails != null) ? connectionDetails.getUrl()
					: RealtimePropertiesValidator.requireUrl(properties);
			int maxFrameSize = RealtimePropertiesValidator.validateMaxFrameSize(properties);
			RealtimeProperties.Reconnect reconnect = properties.getReconnect();
			ExponentialBackoff backoff = RealtimePropertiesValidator.check("realtime.reconnect",
					reconnect.getInitialDelay() + ".." + reconnect.getMaxDelay() + " jitter " + reconnect.getJitter(),
					() -> new ExponentialBackoff(reconnect.getInitialDelay(), reconnect.getMaxDelay(),
							reconnect.getJitter()));
			return (userId) -> {
				UserIds.validate(userId);
				return RealtimePropertiesValidator.check("realtime", "(see reason)",
						() -> ClientSettings.builder(url, userId)
							.connectTimeout(properties.getConnectTimeout())
							.reconnect(backoff, reconnect.getMaxRetries())
							.heartbeat(properties.getHeartbeat().getInterval(), properties.getHeartbeat().getTimeout())
							.defaultDeliveryStrategy(properties.getDeliveryStrategy())
							.batchSize(properties.getBatch().getSize())
							.maxFrameSize(maxFrameSize)
							.maxInFlight(properties.getOutbox().getMaxInFlight())
							.pollInterval(properties.getOutbox().getPollInterval())
							.inboxMaxAttempts(properties.getInbox().getMaxAttempts())
							.maxAuthFailures(authProperties.getMaxFailures())
							.build());
			};
		}

	}

}

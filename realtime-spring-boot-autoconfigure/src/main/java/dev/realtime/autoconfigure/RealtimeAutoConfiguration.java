package dev.realtime.autoconfigure;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.net.ssl.SSLContext;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.internal.WebSocketTransport;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.transport.TransportProxy;

/**
 * Auto-configuration of the {@link RealtimeClient}: settings from {@code realtime.*}, the
 * WebSocket transport, the stores (in memory unless a persistent store factory is
 * configured) and the client's lifecycle.
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
public final class RealtimeAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RealtimeAutoConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	ClientSettings realtimeClientSettings(RealtimeProperties properties, RealtimeAuthProperties authProperties) {
		return RealtimeSettingsMapper.toSettings(properties, authProperties);
	}

	@Bean
	@ConditionalOnMissingBean
	FrameCodec realtimeFrameCodec(ObjectProvider<JsonMapper> jsonMapper) {
		return new FrameCodec(jsonMapper.getIfAvailable(JsonMapper::new));
	}

	@Bean
	@ConditionalOnMissingBean
	OutboundQueueFactory realtimeOutboundQueueFactory(RealtimeProperties properties) {
		logger.warn("Realtime outbox is in memory: events survive reconnects but not a restart. Add "
				+ "spring-boot-starter-data-jpa and a DataSource for the durable outbox and inbox.");
		long maxSize = properties.getOutbox().getMaxSize();
		return (userId) -> new InMemoryOutboundQueue(maxSize);
	}

	@Bean
	@ConditionalOnMissingBean
	InboundStoreFactory realtimeInboundStoreFactory() {
		return (userId) -> new InMemoryInboundStore();
	}

	@Bean
	@ConditionalOnMissingBean(RealtimeClient.class)
	DefaultRealtimeClient realtimeClient(ClientSettings settings, Transport transport, TokenProvider tokenProvider,
			OutboundQueueFactory outboundQueues, InboundStoreFactory inboundStores, FrameCodec codec,
			ObjectProvider<ReceiptStore> receipts) {
		InboundStore inbound = inboundStores.create(settings.userId());
		ReceiptStore receiptStore = receipts.getIfUnique();
		if (receiptStore != null) {
			// disconnect(true) flushes the user's receipts with its inbound events
			inbound = new ReceiptsClearingInboundStore(inbound, receiptStore, settings.userId());
		}
		return new DefaultRealtimeClient(settings, transport, tokenProvider, outboundQueues.create(settings.userId()),
				inbound, codec, Clock.systemUTC());
	}

	@Bean
	@ConditionalOnSingleCandidate(ObservableClient.class)
	@ConditionalOnMissingBean
	RealtimeClientLifecycle realtimeClientLifecycle(ObservableClient client, RealtimeProperties properties,
			ApplicationEventPublisher publisher) {
		return new RealtimeClientLifecycle(client, properties.isAutoConnect(), publisher);
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.websocket.ContainerProvider")
	static class WebSocketTransportConfiguration implements DisposableBean {

		/**
		 * Closes sessions off the caller's thread. Not a bean: an {@code Executor} bean
		 * would make Boot back off from its {@code applicationTaskExecutor}.
		 */
		private final ExecutorService closer = Executors.newCachedThreadPool((task) -> {
			Thread thread = new Thread(task, "realtime-transport");
			thread.setDaemon(true);
			return thread;
		});

		@Bean
		@ConditionalOnMissingBean
		Transport realtimeTransport(RealtimeProperties properties, ObjectProvider<SslBundles> sslBundles) {
			return webSocketTransport(properties, sslBundles, this.closer,
					RealtimeHttpTransportAutoConfiguration.proxy(properties));
		}

		static WebSocketTransport webSocketTransport(RealtimeProperties properties,
				ObjectProvider<SslBundles> sslBundles, ExecutorService closer, TransportProxy proxy) {
			return new WebSocketTransport(RealtimePropertiesValidator.validateMaxFrameSize(properties),
					properties.getConnectTimeout(), closer, sslContext(properties.getSsl().getBundle(), sslBundles),
					proxy);
		}

		static @Nullable SSLContext sslContext(@Nullable String bundle, ObjectProvider<SslBundles> sslBundles) {
			if (bundle == null) {
				return null;
			}
			SslBundles bundles = sslBundles.getIfAvailable();
			if (bundles == null) {
				throw new InvalidConfigurationPropertyValueException("realtime.ssl.bundle", bundle,
						"no SSL bundles are configured (spring.ssl.bundle.*)");
			}
			try {
				return bundles.getBundle(bundle).createSslContext();
			}
			catch (NoSuchSslBundleException ex) {
				throw new InvalidConfigurationPropertyValueException("realtime.ssl.bundle", bundle, ex.getMessage());
			}
		}

		@Override
		public void destroy() {
			this.closer.shutdown();
		}

	}

	/**
	 * Maps properties to settings, naming the offending property when a value is invalid.
	 */
	static final class RealtimeSettingsMapper {

		private RealtimeSettingsMapper() {
		}

		static ClientSettings toSettings(RealtimeProperties properties, RealtimeAuthProperties authProperties) {
			URI url = RealtimePropertiesValidator.requireUrl(properties);
			String userId = RealtimePropertiesValidator.requireUserId(properties);
			int maxFrameSize = RealtimePropertiesValidator.validateMaxFrameSize(properties);
			RealtimeProperties.Reconnect reconnect = properties.getReconnect();
			ExponentialBackoff backoff = RealtimePropertiesValidator.check("realtime.reconnect",
					reconnect.getInitialDelay() + ".." + reconnect.getMaxDelay() + " jitter " + reconnect.getJitter(),
					() -> new ExponentialBackoff(reconnect.getInitialDelay(), reconnect.getMaxDelay(),
							reconnect.getJitter()));
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
		}

	}

}

package dev.realtime.autoconfigure;

import java.util.concurrent.ThreadPoolExecutor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.ClientRuntime;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.users.RealtimeClientFactory;
import dev.realtime.users.RealtimeClientLifecycle;

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

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(name = "jakarta.websocket.ContainerProvider")
	@ConditionalOnProperty(name = "realtime.transport", havingValue = "websocket", matchIfMissing = true)
	static class WebSocketTransportConfiguration implements DisposableBean {

		/** Writes and closes sessions off the clients' event loops. */
		private final ThreadPoolExecutor io = RealtimeTransportSetup.newIoPool();

		@Bean
		@ConditionalOnMissingBean
		Transport realtimeTransport(RealtimeProperties properties, ObjectProvider<SslBundles> sslBundles) {
			RealtimeTransportSetup setup = new RealtimeTransportSetup(properties, sslBundles);
			return setup.webSocket(this.io, setup.proxy());
		}

		@Override
		public void destroy() {
			this.io.shutdown();
		}

	}

}

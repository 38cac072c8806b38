package dev.realtime.autoconfigure;

import java.time.Clock;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.inbox.JdbcInboundStoreFactory;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.listener.RealtimeListenerAnnotationBeanPostProcessor;
import dev.realtime.protocol.FrameCodec;

/**
 * Auto-configuration of the inbound side: {@link RealtimeListener} methods (with any
 * inbound store), and, when the durable stores are in the application's database (see
 * {@link RealtimeOutboxAutoConfiguration}), the inbox there with the API for events
 * parked as failed. Runs before {@link RealtimeAutoConfiguration}, which falls back to an
 * in-memory store.
 */
@AutoConfiguration(after = RealtimeOutboxAutoConfiguration.class,
		afterName = { "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
				"org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
				"org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration" })
@ConditionalOnRealtimeEnabled
@EnableConfigurationProperties(RealtimeProperties.class)
public final class RealtimeInboxAutoConfiguration {

	private RealtimeInboxAutoConfiguration() {
	}

	@Bean
	@ConditionalOnMissingBean
	static RealtimeListenerAnnotationBeanPostProcessor realtimeListenerAnnotationBeanPostProcessor() {
		return new RealtimeListenerAnnotationBeanPostProcessor();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RealtimeStoreDataSource.class)
	static class JdbcInboxConfiguration {

		private final RealtimeStoreDataSource store;

		private final TransactionTemplate transactions;

		private final FrameCodec codec;

		JdbcInboxConfiguration(RealtimeStoreDataSource store,
				ObjectProvider<PlatformTransactionManager> transactionManagers, ObjectProvider<FrameCodec> codec) {
			this.store = store;
			// the application's transaction manager, so listener writes join the delivery
			// transaction
			this.transactions = store.transactions(transactionManagers);
			this.codec = codec.getIfAvailable(FrameCodec::new);
		}

		@Bean
		@ConditionalOnMissingBean(InboundStoreFactory.class)
		JdbcInboundStoreFactory realtimeInboundStoreFactory(RealtimeProperties properties) {
			return new JdbcInboundStoreFactory(this.store.dataSource(), this.transactions, this.codec.mapper(),
					properties.getInbox().isTransactional(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		FailedInboundEvents realtimeFailedInboundEvents(ObjectProvider<JdbcInboundStoreFactory> stores) {
			// through the user's store to its client's dispatcher, however many clients
			// there are
			return new FailedInboundEvents(this.store.dataSource(), this.transactions, this.codec.mapper(),
					(userId) -> stores.ifUnique((factory) -> factory.requeued(userId)));
		}

	}

}

package dev.realtime.autoconfigure;

import java.time.Clock;

import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.inbox.JpaInboundStoreFactory;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.listener.RealtimeListenerAnnotationBeanPostProcessor;
import dev.realtime.protocol.FrameCodec;

/**
 * Auto-configuration of the inbound side: {@link RealtimeListener} methods (with any
 * inbound store), and, when the application has JPA, the inbox in its database with the
 * API for events parked as failed. Runs before {@link RealtimeAutoConfiguration}, which
 * falls back to an in-memory store.
 */
@AutoConfiguration(after = RealtimeOutboxAutoConfiguration.class,
		afterName = { "org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration",
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
	@ConditionalOnClass(name = { "jakarta.persistence.EntityManagerFactory", "org.hibernate.Session",
			"org.springframework.orm.jpa.JpaTransactionManager" })
	@ConditionalOnSingleCandidate(type = "jakarta.persistence.EntityManagerFactory")
	static class JpaInboxConfiguration {

		private final EntityManagerFactory entityManagerFactory;

		private final TransactionTemplate transactions;

		private final FrameCodec codec;

		JpaInboxConfiguration(EntityManagerFactory entityManagerFactory,
				ObjectProvider<PlatformTransactionManager> transactionManager, ObjectProvider<FrameCodec> codec) {
			this.entityManagerFactory = entityManagerFactory;
			// the application's transaction manager, so listener writes join the delivery
			// transaction
			this.transactions = new TransactionTemplate(
					transactionManager.getIfUnique(() -> new JpaTransactionManager(entityManagerFactory)));
			this.codec = codec.getIfAvailable(FrameCodec::new);
		}

		@Bean
		@ConditionalOnMissingBean(InboundStoreFactory.class)
		JpaInboundStoreFactory realtimeInboundStoreFactory(RealtimeProperties properties) {
			return new JpaInboundStoreFactory(
					SharedEntityManagerCreator.createSharedEntityManager(this.entityManagerFactory), this.transactions,
					this.codec.mapper(), properties.getInbox().isTransactional(), Clock.systemUTC());
		}

		@Bean
		@ConditionalOnMissingBean
		FailedInboundEvents realtimeFailedInboundEvents(ObjectProvider<JpaInboundStoreFactory> stores) {
			// through the user's store to its client's dispatcher, however many clients
			// there are
			return new FailedInboundEvents(
					SharedEntityManagerCreator.createSharedEntityManager(this.entityManagerFactory), this.transactions,
					this.codec.mapper(), (userId) -> stores.ifUnique((factory) -> factory.requeued(userId)));
		}

	}

}

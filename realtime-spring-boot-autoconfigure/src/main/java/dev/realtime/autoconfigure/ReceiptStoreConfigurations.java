package dev.realtime.autoconfigure;

import jakarta.persistence.EntityManagerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.JpaReceiptStore;
import dev.realtime.receipts.ReceiptStore;

/**
 * The {@link ReceiptStore} choices, imported in order of preference: the first that
 * matches defines the store.
 */
final class ReceiptStoreConfigurations {

	private ReceiptStoreConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(
			name = { "jakarta.persistence.EntityManagerFactory", "org.springframework.orm.jpa.JpaTransactionManager" })
	@ConditionalOnSingleCandidate(type = "jakarta.persistence.EntityManagerFactory")
	static class Jpa {

		@Bean
		@ConditionalOnMissingBean
		ReceiptStore realtimeReceiptStore(EntityManagerFactory entityManagerFactory,
				ObjectProvider<PlatformTransactionManager> transactionManager) {
			// the application's transaction manager, so a receipt joins a listener's
			// transaction
			return new JpaReceiptStore(SharedEntityManagerCreator.createSharedEntityManager(entityManagerFactory),
					new TransactionTemplate(
							transactionManager.getIfUnique(() -> new JpaTransactionManager(entityManagerFactory))));
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class InMemory {

		@Bean
		@ConditionalOnMissingBean
		ReceiptStore realtimeReceiptStore() {
			return new InMemoryReceiptStore();
		}

	}

}

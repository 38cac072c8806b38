package dev.realtime.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.JdbcReceiptStore;
import dev.realtime.receipts.ReceiptStore;

/**
 * The {@link ReceiptStore} choices, imported in order of preference: the first that
 * matches defines the store.
 */
final class ReceiptStoreConfigurations {

	private ReceiptStoreConfigurations() {
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnBean(RealtimeStoreDataSource.class)
	static class Jdbc {

		@Bean
		@ConditionalOnMissingBean
		ReceiptStore realtimeReceiptStore(RealtimeStoreDataSource store,
				ObjectProvider<PlatformTransactionManager> transactionManagers) {
			// the application's transaction manager, so a receipt joins a listener's
			// transaction
			return new JdbcReceiptStore(store.dataSource(), store.transactions(transactionManagers));
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

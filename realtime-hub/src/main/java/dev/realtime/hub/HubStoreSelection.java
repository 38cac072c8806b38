package dev.realtime.hub;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.ObjectMapper;

import dev.realtime.hub.HubProperties.StoreType;

/**
 * The store {@code realtime.hub.store} selects, with the transactions it runs in: the
 * JDBC store on the application's {@link JdbcTemplate} and transaction manager, or an
 * {@link InMemoryHubStore} (the application's own one if it defines it, so that it can
 * outlive the hub's context).
 *
 * @param store the store
 * @param transactionManager runs the store's multi-step changes
 */
record HubStoreSelection(HubStore store, PlatformTransactionManager transactionManager) {

	static HubStoreSelection select(HubProperties properties, ObjectProvider<JdbcTemplate> jdbcTemplate,
			ObjectProvider<PlatformTransactionManager> transactionManager, ObjectProvider<InMemoryHubStore> memory,
			ObjectMapper mapper) {
		JdbcTemplate jdbc = jdbcTemplate.getIfAvailable();
		StoreType type = properties.getStore();
		if (type == null) {
			type = (jdbc != null) ? StoreType.JDBC : StoreType.MEMORY;
		}
		if (type == StoreType.MEMORY) {
			InMemoryHubStore store = memory.getIfAvailable(() -> new InMemoryHubStore(mapper));
			return new HubStoreSelection(store, store.transactionManager());
		}
		PlatformTransactionManager transactions = transactionManager.getIfAvailable();
		if (jdbc == null || transactions == null) {
			throw new InvalidConfigurationPropertyValueException("realtime.hub.store", "jdbc",
					"needs a DataSource with its JdbcTemplate and transaction manager (spring-boot-starter-jdbc)");
		}
		return new HubStoreSelection(new JdbcHubStore(jdbc, mapper), transactions);
	}

}

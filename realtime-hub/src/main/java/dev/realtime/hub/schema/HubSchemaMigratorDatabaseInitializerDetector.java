package dev.realtime.hub.schema;

import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;

/**
 * Declares {@link HubSchemaMigrator} beans as database initializers, so that Boot creates
 * the {@code JdbcTemplate} the hub's store uses, and every other database user, after
 * them.
 */
class HubSchemaMigratorDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return Set.of(HubSchemaMigrator.class);
	}

	/**
	 * Run after the application's initializers (Boot makes each later batch depend on the
	 * earlier ones): Flyway refuses a non-empty schema without its own history table, so
	 * the application's Flyway must see its schema before the hub adds tables to it.
	 */
	@Override
	public int getOrder() {
		return 100;
	}

}

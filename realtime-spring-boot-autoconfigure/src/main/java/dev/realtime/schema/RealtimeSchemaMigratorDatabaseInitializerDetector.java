package dev.realtime.schema;

import java.util.Collections;
import java.util.Set;

import org.springframework.boot.sql.init.dependency.AbstractBeansOfTypeDatabaseInitializerDetector;
import org.springframework.util.ClassUtils;

/**
 * Declares {@link RealtimeSchemaMigrator} beans as database initializers, so Boot creates
 * the {@code EntityManagerFactory} and other database users after them.
 */
class RealtimeSchemaMigratorDatabaseInitializerDetector extends AbstractBeansOfTypeDatabaseInitializerDetector {

	private static final boolean FLYWAY_PRESENT = ClassUtils.isPresent("org.flywaydb.core.Flyway",
			RealtimeSchemaMigratorDatabaseInitializerDetector.class.getClassLoader());

	@Override
	protected Set<Class<?>> getDatabaseInitializerBeanTypes() {
		return FLYWAY_PRESENT ? Set.of(RealtimeSchemaMigrator.class) : Collections.emptySet();
	}

	/**
	 * Run after the application's initializers (Boot makes each later batch depend on the
	 * earlier ones): Flyway refuses a non-empty schema without its own history table, so
	 * the application's Flyway must see its schema before the library adds tables to it.
	 */
	@Override
	public int getOrder() {
		return 100;
	}

}

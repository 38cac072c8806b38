package dev.realtime.schema;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.beans.factory.InitializingBean;

/**
 * Migrates the library's tables when the application starts, before its stores are used.
 * It runs its own Flyway instance (location {@value #LOCATION}, history table
 * {@value #TABLE}) and is deliberately not a bean of type {@link Flyway}, which would
 * switch off the application's own Flyway auto-configuration.
 */
public class RealtimeSchemaMigrator implements InitializingBean {

	/** Where the library's migrations live. */
	public static final String LOCATION = "classpath:db/realtime/migration";

	/** The library's schema history table, apart from the application's. */
	public static final String TABLE = "realtime_schema_history";

	private final DataSource dataSource;

	/**
	 * Create a migrator.
	 * @param dataSource the database holding the library's tables
	 */
	public RealtimeSchemaMigrator(DataSource dataSource) {
		this.dataSource = dataSource;
	}

	@Override
	public void afterPropertiesSet() {
		migrate();
	}

	/**
	 * Apply the pending migrations; a no-op when the schema is up to date.
	 * @return how many migrations were applied
	 */
	public int migrate() {
		MigrateResult result = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.locations(LOCATION)
			.table(TABLE)
			// the application's tables may already be there
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
		return result.migrationsExecuted;
	}

}

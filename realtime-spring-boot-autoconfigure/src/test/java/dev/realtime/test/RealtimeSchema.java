package dev.realtime.test;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * Applies the library's migrations to a test database the way the library's migrator does, for
 * tests that build their persistence setup by hand.
 */
public final class RealtimeSchema {

	private RealtimeSchema() {
	}

	/**
	 * Migrate a database to the library's latest schema.
	 * @param dataSource the database
	 */
	public static void migrate(DataSource dataSource) {
		Flyway.configure()
			.dataSource(dataSource)
			.locations("classpath:db/realtime/migration")
			.table("realtime_schema_history")
			.baselineOnMigrate(true)
			.baselineVersion("0")
			.load()
			.migrate();
	}

}

package dev.realtime.test;

import javax.sql.DataSource;

import dev.realtime.schema.RealtimeSchemaMigrator;

/**
 * Applies the library's migrations to a test database, for tests that build their
 * persistence setup by hand.
 */
public final class RealtimeSchema {

	private RealtimeSchema() {
	}

	/**
	 * Migrate a database to the library's latest schema.
	 * @param dataSource the database
	 */
	public static void migrate(DataSource dataSource) {
		new RealtimeSchemaMigrator(dataSource).migrate();
	}

}

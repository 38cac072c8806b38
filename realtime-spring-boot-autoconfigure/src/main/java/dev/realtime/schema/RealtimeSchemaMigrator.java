package dev.realtime.schema;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.dao.DataAccessResourceFailureException;

/**
 * Migrates the library's tables when the application starts, before its stores are used. It
 * runs its own Flyway instance (location {@value #LOCATION}, history table {@value #TABLE})
 * and is deliberately not a bean of type {@link Flyway}, which would switch off the
 * application's own Flyway auto-configuration.
 */
public class RealtimeSchemaMigrator implements InitializingBean {

	/** Where the library's migrations live. */
	public static final String LOCATION = "classpath:db/realtime/migration";

	/** The library's schema history table, apart from the application's. */
	public static final String TABLE = "realtime_schema_history";

	/** Placeholder of the scripts naming the column type of large text (event payloads). */
	public static final String LARGE_TEXT_PLACEHOLDER = "realtime_large_text";

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
			.placeholders(Map.of(LARGE_TEXT_PLACEHOLDER, largeTextType()))
			.load()
			.migrate();
		return result.migrationsExecuted;
	}

	private String largeTextType() {
		try (Connection connection = this.dataSource.getConnection()) {
			String product = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
			// MariaDB and MySQL cap text at 64 KiB, below the protocol's 1 MiB frame
			return (product.contains("mariadb") || product.contains("mysql")) ? "mediumtext" : "text";
		}
		catch (SQLException ex) {
			throw new DataAccessResourceFailureException("Could not determine the database product", ex);
		}
	}

}

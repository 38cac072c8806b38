package dev.realtime.hub.schema;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.springframework.beans.factory.InitializingBean;

/**
 * Migrates the hub's tables when the application starts, before the hub uses them. It
 * runs its own Flyway instance (location {@value #LOCATION}, history table
 * {@value #TABLE}), so that an application embedding the hub keeps
 * {@code classpath:db/migration} and {@code flyway_schema_history} for itself; it is
 * deliberately no bean of type {@link Flyway}, which would switch off the application's
 * own Flyway auto-configuration.
 * <p>
 * Hubs before version 0.1 ran the same scripts from {@code classpath:db/migration} with
 * Spring Boot's Flyway, recording them in {@value #LEGACY_TABLE}. On such a database the
 * hub's history starts with a baseline at the last of those scripts that succeeded, so
 * only the newer ones run.
 */
public class HubSchemaMigrator implements InitializingBean {

	/** Where the hub's migrations live. */
	public static final String LOCATION = "classpath:dev/realtime/hub/db/migration";

	/** The hub's schema history table, apart from the application's. */
	public static final String TABLE = "realtime_hub_schema_history";

	/** Flyway's default history table, where earlier hubs recorded their scripts. */
	static final String LEGACY_TABLE = "flyway_schema_history";

	/**
	 * The hub's scripts as earlier hubs recorded them, by script name (what tells them
	 * from an application's own scripts in the same table), with their version.
	 */
	private static final Map<String, Integer> LEGACY_SCRIPTS = Map.of("V1__hub.sql", 1, "V2__burst.sql", 2,
			"V3__drop_burst.sql", 3, "V4__hub_user_profile.sql", 4);

	private static final Log logger = LogFactory.getLog(HubSchemaMigrator.class);

	private final DataSource dataSource;

	/**
	 * Create a migrator.
	 * @param dataSource the database holding the hub's tables
	 */
	public HubSchemaMigrator(DataSource dataSource) {
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
		Optional<Integer> legacy = legacyVersion();
		legacy.ifPresent((version) -> logger.info("The hub's tables are at version " + version + " in " + LEGACY_TABLE
				+ "; their history continues in " + TABLE));
		MigrateResult result = Flyway.configure(getClass().getClassLoader())
			.dataSource(this.dataSource)
			.locations(LOCATION)
			.table(TABLE)
			// the application's tables, or an earlier hub's, may already be there;
			// ignored once the hub's history table exists
			.baselineOnMigrate(true)
			.baselineVersion(String.valueOf(legacy.orElse(0)))
			.baselineDescription(legacy.isPresent() ? "hub tables recorded in " + LEGACY_TABLE : "<< Baseline >>")
			.load()
			.migrate();
		return result.migrationsExecuted;
	}

	/**
	 * Return the version of the hub's tables as an earlier hub recorded it in Flyway's
	 * default history table, when the hub's own history table does not exist yet.
	 * @return the last hub script that succeeded there, empty if none did
	 */
	private Optional<Integer> legacyVersion() {
		try (Connection connection = this.dataSource.getConnection()) {
			if (hasTable(connection, TABLE) || !hasTable(connection, LEGACY_TABLE)) {
				return Optional.empty();
			}
			int version = 0;
			try (PreparedStatement statement = connection
				.prepareStatement("SELECT script FROM " + LEGACY_TABLE + " WHERE success = ?")) {
				statement.setBoolean(1, true);
				try (ResultSet scripts = statement.executeQuery()) {
					while (scripts.next()) {
						version = Math.max(version, LEGACY_SCRIPTS.getOrDefault(scripts.getString(1), 0));
					}
				}
			}
			return (version > 0) ? Optional.of(version) : Optional.empty();
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Reading the hub's schema history failed: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Return whether the connection's schema has a table, whatever case the database
	 * stores unquoted names in (lower on PostgreSQL, upper on H2).
	 * @param connection the connection
	 * @param name the table's name
	 * @return whether it exists
	 * @throws SQLException if the database's metadata cannot be read
	 */
	private static boolean hasTable(Connection connection, String name) throws SQLException {
		DatabaseMetaData metaData = connection.getMetaData();
		for (String candidate : new String[] { name, name.toUpperCase(Locale.ROOT) }) {
			try (ResultSet tables = metaData.getTables(connection.getCatalog(), connection.getSchema(), candidate,
					null)) {
				if (tables.next()) {
					return true;
				}
			}
		}
		return false;
	}

}

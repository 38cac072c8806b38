package dev.realtime.hub.schema;

import java.util.List;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub's tables on PostgreSQL, migrated from the hub's own location with their own
 * history table: on an empty schema, beside an application's own Flyway migrations (whose
 * history stays the application's), and on a database an earlier hub migrated from
 * {@code classpath:db/migration} with Flyway's default history table, whose data stays
 * and whose newer scripts still run.
 */
class HubSchemaMigratorIntegrationTests {

	/** How many scripts the hub has: a new migration makes this test fail until added. */
	private static final int SCRIPTS = 6;

	/**
	 * The last script an earlier hub ran from {@code classpath:db/migration}, before the
	 * scripts had a location and history table of their own.
	 */
	private static final String LAST_LEGACY = "4";

	private TestDatabases.Isolated schema;

	private DataSource dataSource;

	private JdbcTemplate jdbc;

	@BeforeEach
	void createSchema() {
		this.schema = TestDatabases.postgres().createIsolated("hubschema");
		this.dataSource = new DriverManagerDataSource(this.schema.url(), this.schema.server().username(),
				this.schema.server().password());
		this.jdbc = new JdbcTemplate(this.dataSource);
	}

	@AfterEach
	void dropSchema() {
		this.schema.close();
	}

	@Test
	void createsTheHubsTablesWithTheirOwnHistoryOnAnEmptySchema() {
		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).isEqualTo(SCRIPTS);
		assertThat(tables())
			.contains("hub_user", "hub_client", "hub_accepted_event", "hub_user_profile", "hub_user_privacy",
					HubSchemaMigrator.TABLE)
			.doesNotContain(HubSchemaMigrator.LEGACY_TABLE, "demo_burst_progress");
		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).isZero();
	}

	@Test
	void leavesTheApplicationsOwnMigrationsAndHistoryAlone() {
		Flyway application = Flyway.configure()
			.dataSource(this.dataSource)
			.locations("classpath:dev/realtime/hub/schema")
			.load();
		application.migrate();

		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).isEqualTo(SCRIPTS);
		assertThat(tables()).contains("orders", "hub_user");
		assertThat(this.jdbc.queryForList("SELECT script FROM flyway_schema_history", String.class))
			.containsExactly("V1__orders.sql");
		// the application's Flyway still validates: it sees nothing of the hub's scripts
		application.validate();
		assertThat(application.migrate().migrationsExecuted).isZero();
	}

	@Test
	void upgradesADatabaseAnEarlierHubMigratedWithFlywaysDefaultHistory() {
		// an earlier hub: the same scripts from classpath:db/migration, recorded in
		// flyway_schema_history, up to V2, with a user in its tables
		Flyway.configure()
			.dataSource(this.dataSource)
			.locations(HubSchemaMigrator.LOCATION)
			.target("2")
			.load()
			.migrate();
		this.jdbc.update("INSERT INTO hub_user (user_id, last_seq, created_at) VALUES ('alice', 7, now())");

		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).as("V3, V4, V5.1 and V6 run, V1 and V2 do not")
			.isEqualTo(4);
		assertThat(tables()).contains("hub_user_profile").doesNotContain("demo_burst_progress");
		assertThat(this.jdbc.queryForObject("SELECT last_seq FROM hub_user WHERE user_id = 'alice'", Long.class))
			.isEqualTo(7);
		assertThat(this.jdbc.queryForList(
				"SELECT version FROM " + HubSchemaMigrator.TABLE + " WHERE success ORDER BY installed_rank",
				String.class))
			.containsExactly("2", "3", "4", "5.1", "6");
		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).isZero();
	}

	@Test
	void runsOnlyTheNewerScriptsOnADatabaseAnEarlierHubMigratedToItsLatestVersion() {
		Flyway.configure()
			.dataSource(this.dataSource)
			.locations(HubSchemaMigrator.LOCATION)
			.target(LAST_LEGACY)
			.load()
			.migrate();

		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).as("V5.1 and V6 run").isEqualTo(2);
		assertThat(this.jdbc.queryForList(
				"SELECT version FROM " + HubSchemaMigrator.TABLE + " WHERE success ORDER BY installed_rank",
				String.class))
			.containsExactly(LAST_LEGACY, "5.1", "6");
		assertThat(new HubSchemaMigrator(this.dataSource).migrate()).isZero();
	}

	private List<String> tables() {
		return this.jdbc.queryForList("SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
				String.class, this.schema.name());
	}

}

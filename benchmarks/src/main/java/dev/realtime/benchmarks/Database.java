package dev.realtime.benchmarks;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;

/**
 * The local PostgreSQL: every run creates schemas of its own (one per starter context,
 * one for the raw baselines) and drops them at the end.
 */
final class Database implements AutoCloseable {

	private final Options options;

	private final String run = UUID.randomUUID().toString().replace("-", "").substring(0, 8);

	private final List<String> schemas = new ArrayList<>();

	Database(Options options) {
		this.options = options;
	}

	synchronized String createSchema(String prefix) {
		String name = ("bench_" + this.run + "_" + prefix + "_" + this.schemas.size()).toLowerCase(Locale.ROOT);
		execute(null, "create schema " + name);
		this.schemas.add(name);
		return name;
	}

	String url(String schema, boolean rewriteBatchedInserts) {
		String base = this.options.jdbcUrl();
		return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema
				+ (rewriteBatchedInserts ? "&reWriteBatchedInserts=true" : "");
	}

	Connection connect(String schema) throws SQLException {
		return DriverManager.getConnection(url(schema, true), this.options.user(), this.options.password());
	}

	/**
	 * Apply Flyway migrations to a schema, as an application with Flyway would at start.
	 * @param schema the schema
	 * @param location where the migrations are, such as {@code classpath:db/migration}
	 */
	void migrate(String schema, String location) {
		Flyway.configure()
			.dataSource(url(schema, false), this.options.user(), this.options.password())
			.locations(location)
			.load()
			.migrate();
	}

	String[] springProperties(String schema) {
		return springProperties(schema, false);
	}

	String[] springProperties(String schema, boolean rewriteBatchedInserts) {
		return new String[] { "spring.datasource.url=" + url(schema, rewriteBatchedInserts),
				"spring.datasource.username=" + this.options.user(),
				"spring.datasource.password=" + this.options.password() };
	}

	void execute(@Nullable String schema, String... statements) {
		try (Connection connection = (schema != null) ? connect(schema)
				: DriverManager.getConnection(this.options.jdbcUrl(), this.options.user(), this.options.password());
				Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Statement failed: " + String.join("; ", statements), ex);
		}
	}

	long queryLong(String schema, String sql) {
		try (Connection connection = connect(schema);
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery(sql)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Query failed: " + sql, ex);
		}
	}

	/**
	 * Dead tuples in a schema's tables: what piles up with autovacuum off.
	 * @param schema the schema
	 * @return the sum of {@code n_dead_tup}
	 */
	long deadTuples(String schema) {
		return queryLong(schema,
				"select coalesce(sum(n_dead_tup), 0) from pg_stat_user_tables where schemaname = '" + schema + "'");
	}

	synchronized void dropSchema(String schema) {
		if (this.schemas.remove(schema)) {
			execute(null, "drop schema if exists " + schema + " cascade");
		}
	}

	@Override
	public synchronized void close() {
		for (String schema : List.copyOf(this.schemas)) {
			dropSchema(schema);
		}
	}

}

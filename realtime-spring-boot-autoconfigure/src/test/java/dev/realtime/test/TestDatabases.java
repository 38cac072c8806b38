package dev.realtime.test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.mariadb.MariaDBContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Real databases for tests: a Testcontainers container when a Docker engine is available,
 * else the server on localhost named by an environment variable (defaults match a
 * developer machine with PostgreSQL and MariaDB installed), else a failure that says how
 * to provide one. Never a mock, never a silent skip.
 */
public final class TestDatabases {

	private static final String POSTGRES_URL = "REALTIME_TEST_POSTGRES_URL";

	private static final String POSTGRES_USER = "REALTIME_TEST_POSTGRES_USER";

	private static final String MARIADB_URL = "REALTIME_TEST_MARIADB_URL";

	private static final String MARIADB_USER = "REALTIME_TEST_MARIADB_USER";

	private static volatile Server postgres;

	private static volatile Server mariadb;

	private TestDatabases() {
	}

	/**
	 * Return the PostgreSQL server to test against.
	 * @return the server
	 */
	public static synchronized Server postgres() {
		if (postgres == null) {
			postgres = dockerAvailable() ? startPostgresContainer()
					: local("PostgreSQL", env(POSTGRES_URL, "jdbc:postgresql://127.0.0.1:5432/test"),
							env(POSTGRES_USER, "postgres"),
							System.getenv().getOrDefault("REALTIME_TEST_POSTGRES_PASSWORD", ""), POSTGRES_URL);
		}
		return postgres;
	}

	/**
	 * Return the MariaDB server to test against.
	 * @return the server
	 */
	public static synchronized Server mariadb() {
		if (mariadb == null) {
			mariadb = dockerAvailable() ? startMariaDbContainer()
					: local("MariaDB", env(MARIADB_URL, "jdbc:mariadb://127.0.0.1:3306/test"),
							env(MARIADB_USER, "root"),
							System.getenv().getOrDefault("REALTIME_TEST_MARIADB_PASSWORD", ""), MARIADB_URL);
		}
		return mariadb;
	}

	private static boolean dockerAvailable() {
		try {
			return DockerClientFactory.instance().isDockerAvailable();
		}
		catch (Throwable ex) {
			return false;
		}
	}

	@SuppressWarnings("resource")
	private static Server startPostgresContainer() {
		PostgreSQLContainer container = new PostgreSQLContainer("postgres:15-alpine");
		container.start();
		return new Server(Kind.POSTGRESQL, container.getJdbcUrl(), container.getUsername(), container.getPassword());
	}

	@SuppressWarnings("resource")
	private static Server startMariaDbContainer() {
		MariaDBContainer container = new MariaDBContainer("mariadb:10.11");
		container.start();
		return new Server(Kind.MARIADB, container.getJdbcUrl(), "root", container.getPassword());
	}

	private static Server local(String name, String url, String user, String password, String variable) {
		Server server = new Server(url.startsWith("jdbc:postgresql") ? Kind.POSTGRESQL : Kind.MARIADB, url, user,
				password);
		try (Connection connection = server.connect()) {
			return server;
		}
		catch (SQLException ex) {
			throw new IllegalStateException("No " + name + " for the tests: Docker is not available for Testcontainers "
					+ "and " + url + " (user " + user + ") is not reachable (" + ex.getMessage()
					+ "). Start Docker, or run " + name + " locally, or point " + variable
					+ " (and its _USER/_PASSWORD variables) at a server.", ex);
		}
	}

	private static String env(String name, String fallback) {
		String value = System.getenv(name);
		return (value != null && !value.isBlank()) ? value : fallback;
	}

	/**
	 * The kinds of database the tests run on.
	 */
	public enum Kind {

		POSTGRESQL, MARIADB

	}

	/**
	 * A database server reachable over JDBC.
	 *
	 * @param kind the kind
	 * @param url the JDBC URL of its default database
	 * @param username the user
	 * @param password the password
	 */
	public record Server(Kind kind, String url, String username, String password) {

		public Connection connect() throws SQLException {
			return DriverManager.getConnection(this.url, this.username, this.password);
		}

		/**
		 * Create an empty schema (PostgreSQL) or database (MariaDB) of its own for one
		 * test class, so tests neither see nor disturb each other's tables.
		 * @param prefix a readable prefix of the name
		 * @return the isolated database
		 */
		public Isolated createIsolated(String prefix) {
			String name = (prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12))
				.toLowerCase(Locale.ROOT);
			try (Connection connection = connect(); Statement statement = connection.createStatement()) {
				statement.execute(((this.kind == Kind.POSTGRESQL) ? "create schema " : "create database ") + name);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not create test schema " + name + " on " + this.url, ex);
			}
			return new Isolated(this, name);
		}

	}

	/**
	 * A schema or database of one test class on a shared server; {@link #close()} drops
	 * it.
	 *
	 * @param server the server
	 * @param name the schema or database name
	 */
	public record Isolated(Server server, String name) implements AutoCloseable {

		/**
		 * Return the JDBC URL that points at this schema or database.
		 * @return the URL
		 */
		public String url() {
			String base = this.server.url();
			if (this.server.kind() == Kind.POSTGRESQL) {
				return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + this.name;
			}
			int slash = base.indexOf('/', "jdbc:mariadb://".length());
			int query = base.indexOf('?');
			return base.substring(0, slash + 1) + this.name + ((query >= 0) ? base.substring(query) : "");
		}

		/**
		 * Return the {@code spring.datasource.*} properties for this database.
		 * @return the properties as {@code key=value} strings
		 */
		public String[] springProperties() {
			return new String[] { "spring.datasource.url=" + url(),
					"spring.datasource.username=" + this.server.username(),
					"spring.datasource.password=" + this.server.password() };
		}

		public Connection connect() throws SQLException {
			return DriverManager.getConnection(url(), this.server.username(), this.server.password());
		}

		@Override
		public void close() {
			try (Connection connection = this.server.connect(); Statement statement = connection.createStatement()) {
				statement.execute(((this.server.kind() == Kind.POSTGRESQL) ? "drop schema " + this.name + " cascade"
						: "drop database " + this.name));
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not drop test schema " + this.name, ex);
			}
		}

	}

}

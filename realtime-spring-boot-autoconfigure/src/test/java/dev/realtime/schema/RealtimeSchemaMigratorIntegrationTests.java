package dev.realtime.schema;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The library's migrations run on every supported database, and running them again
 * changes nothing.
 */
class RealtimeSchemaMigratorIntegrationTests {

	@Test
	void migratesCleanPostgresqlOnceAndIsANoOpAfterwards() {
		try (TestDatabases.Isolated database = TestDatabases.postgres().createIsolated("schema")) {
			assertMigratesOnce(dataSource(database.url(), database.server().username(), database.server().password()));
		}
	}

	@Test
	void migratesCleanMariaDbOnceAndIsANoOpAfterwards() {
		try (TestDatabases.Isolated database = TestDatabases.mariadb().createIsolated("schema")) {
			assertMigratesOnce(dataSource(database.url(), database.server().username(), database.server().password()));
		}
	}

	@Test
	void migratesCleanH2OnceAndIsANoOpAfterwards() {
		assertMigratesOnce(dataSource("jdbc:h2:mem:schema;DB_CLOSE_DELAY=-1", "sa", ""));
	}

	private void assertMigratesOnce(HikariDataSource dataSource) {
		try (dataSource) {
			assertThat(new RealtimeSchemaMigrator(dataSource).migrate()).isEqualTo(scriptCount());
			assertThat(new RealtimeSchemaMigrator(dataSource).migrate()).isZero();
			assertThat(rowCount(dataSource, "realtime_outbox")).isZero();
			assertThat(rowCount(dataSource, "realtime_client")).isZero();
			assertThat(rowCount(dataSource, "realtime_inbox_event")).isZero();
			assertThat(rowCount(dataSource, "realtime_inbox_cursor")).isZero();
		}
	}

	private static int scriptCount() {
		try {
			return new PathMatchingResourcePatternResolver()
				.getResources(RealtimeSchemaMigrator.LOCATION + "/V*.sql").length;
		}
		catch (java.io.IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static long rowCount(HikariDataSource dataSource, String table) {
		try (Connection connection = dataSource.getConnection();
				Statement statement = connection.createStatement();
				ResultSet result = statement.executeQuery("select count(*) from " + table)) {
			result.next();
			return result.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(ex);
		}
	}

	static HikariDataSource dataSource(String url, String username, String password) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(url);
		dataSource.setUsername(username);
		dataSource.setPassword(password);
		dataSource.setMaximumPoolSize(2);
		return dataSource;
	}

}

package dev.realtime.inbox;

import java.sql.DriverManager;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.test.CountingDataSource;
import dev.realtime.test.RealtimeSchema;

/**
 * A database with the library's migrations applied, for tests: the stores get a
 * DataSource that counts their statements, and transactions of its own.
 */
final class InboxDatabase {

	final CountingDataSource statements;

	final DataSource dataSource;

	final TransactionTemplate transactions;

	final JdbcTemplate jdbc;

	private InboxDatabase(DataSource dataSource) {
		RealtimeSchema.migrate(dataSource);
		this.statements = new CountingDataSource(dataSource);
		this.dataSource = this.statements.dataSource();
		this.transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		this.jdbc = new JdbcTemplate(this.dataSource);
	}

	static InboxDatabase on(String url, String username, String password) {
		return new InboxDatabase(new SimpleDriverDataSource(driver(url), url, username, password));
	}

	private static java.sql.Driver driver(String url) {
		try {
			return DriverManager.getDriver(url);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("No JDBC driver for " + url, ex);
		}
	}

	long count(String sql, Object... args) {
		Long count = this.jdbc.queryForObject(sql, Long.class, args);
		return (count != null) ? count : 0;
	}

}

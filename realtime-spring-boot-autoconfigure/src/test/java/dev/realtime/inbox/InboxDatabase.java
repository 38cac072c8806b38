package dev.realtime.inbox;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;

import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.hibernate.SessionFactory;
import org.hibernate.stat.Statistics;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.test.RealtimeSchema;

/**
 * A database with the library's migrations applied and a JPA persistence unit of the
 * inbox entities, for tests. Runs Flyway and registers the entities itself: the library's
 * migrator and entity registration are not needed here.
 */
final class InboxDatabase implements AutoCloseable {

	final DataSource dataSource;

	final EntityManagerFactory entityManagerFactory;

	final EntityManager entityManager;

	final TransactionTemplate transactions;

	final JdbcTemplate jdbc;

	private InboxDatabase(DataSource dataSource) {
		this.dataSource = dataSource;
		RealtimeSchema.migrate(dataSource);
		LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
		factory.setDataSource(dataSource);
		factory.setPackagesToScan("dev.realtime.inbox");
		factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
		factory.setJpaPropertyMap(Map.of("hibernate.generate_statistics", "true"));
		factory.afterPropertiesSet();
		this.entityManagerFactory = factory.getObject();
		this.entityManager = SharedEntityManagerCreator.createSharedEntityManager(this.entityManagerFactory);
		this.transactions = new TransactionTemplate(new JpaTransactionManager(this.entityManagerFactory));
		this.jdbc = new JdbcTemplate(dataSource);
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

	Statistics statistics() {
		return this.entityManagerFactory.unwrap(SessionFactory.class).getStatistics();
	}

	long count(String sql, Object... args) {
		Long count = this.jdbc.queryForObject(sql, Long.class, args);
		return (count != null) ? count : 0;
	}

	@Override
	public void close() {
		this.entityManagerFactory.close();
	}

}

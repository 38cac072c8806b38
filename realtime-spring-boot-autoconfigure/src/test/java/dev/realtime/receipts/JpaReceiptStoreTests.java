package dev.realtime.receipts;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;

import javax.sql.DataSource;

import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.orm.jpa.vendor.HibernateJpaVendorAdapter;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.protocol.ChannelFields;
import dev.realtime.test.RealtimeSchema;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JpaReceiptStore} on a real database migrated with the library's scripts;
 * subclasses name the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JpaReceiptStoreTests {

	private TestDatabases.Isolated database;

	private DataSource dataSource;

	abstract TestDatabases.Server server();

	@BeforeAll
	void createDatabase() throws SQLException {
		this.database = server().createIsolated("receipts");
		this.dataSource = new SimpleDriverDataSource(DriverManager.getDriver(this.database.url()), this.database.url(),
				this.database.server().username(), this.database.server().password());
		RealtimeSchema.migrate(this.dataSource);
	}

	@AfterAll
	void dropDatabase() {
		this.database.close();
	}

	@Test
	void keepsOneReceiptPerOwnerMessageAndReaderAcrossRestarts() {
		ReadReceipt bob = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05.123456Z"));
		ReadReceipt carol = new ReadReceipt("m-1", "general", "carol", Instant.parse("2026-01-02T03:04:06Z"));
		EntityManagerFactory first = entityManagerFactory();
		try {
			ReceiptStore store = store(first);
			assertThat(store.save("alice", carol)).isTrue();
			assertThat(store.save("alice", bob)).isTrue();
			assertThat(store.save("alice", bob)).isFalse();
			assertThat(store.save("dave", bob)).isTrue();
		}
		finally {
			first.close();
		}
		EntityManagerFactory restarted = entityManagerFactory();
		try {
			ReceiptStore store = store(restarted);
			assertThat(store.findByMessage("alice", "m-1")).containsExactly(bob, carol);
			assertThat(store.findByMessage("dave", "m-1")).containsExactly(bob);
			assertThat(store.exists("alice", "m-1", "carol")).isTrue();
			assertThat(store.exists("dave", "m-1", "carol")).isFalse();
			assertThat(store.findByMessage("alice", "m-2")).isEmpty();
		}
		finally {
			restarted.close();
		}
	}

	@Test
	void keepsTheLongestIdsTheProtocolAllows() {
		ReadReceipt longest = new ReadReceipt("m".repeat(ChannelFields.MAX_ID_LENGTH),
				"c".repeat(ChannelFields.MAX_ID_LENGTH), "r".repeat(128), Instant.parse("2026-01-02T03:04:05Z"));
		EntityManagerFactory emf = entityManagerFactory();
		try {
			ReceiptStore store = store(emf);
			assertThat(store.save("alice", longest)).isTrue();
			assertThat(store.findByMessage("alice", longest.messageId())).containsExactly(longest);
		}
		finally {
			emf.close();
		}
	}

	private static ReceiptStore store(EntityManagerFactory emf) {
		return new JpaReceiptStore(SharedEntityManagerCreator.createSharedEntityManager(emf),
				new TransactionTemplate(new JpaTransactionManager(emf)));
	}

	private EntityManagerFactory entityManagerFactory() {
		LocalContainerEntityManagerFactoryBean factory = new LocalContainerEntityManagerFactoryBean();
		factory.setDataSource(this.dataSource);
		factory.setPackagesToScan("dev.realtime.receipts");
		factory.setJpaVendorAdapter(new HibernateJpaVendorAdapter());
		factory.afterPropertiesSet();
		return factory.getObject();
	}

}

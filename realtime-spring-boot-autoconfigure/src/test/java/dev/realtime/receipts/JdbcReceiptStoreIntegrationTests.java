package dev.realtime.receipts;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.protocol.ChannelFields;
import dev.realtime.test.RealtimeSchema;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JdbcReceiptStore} on a real database migrated with the library's scripts;
 * subclasses name the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcReceiptStoreIntegrationTests {

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

	@BeforeEach
	void emptyTable() {
		new JdbcTemplate(this.dataSource).update("delete from realtime_read_receipt");
	}

	@Test
	void keepsOneReceiptPerOwnerMessageAndReaderAcrossRestarts() {
		ReadReceipt bob = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05.123456Z"));
		ReadReceipt carol = new ReadReceipt("m-1", "general", "carol", Instant.parse("2026-01-02T03:04:06Z"));
		ReceiptStore first = store();
		assertThat(first.save("alice", carol)).isTrue();
		assertThat(first.save("alice", bob)).isTrue();
		assertThat(first.save("alice", bob)).isFalse();
		assertThat(first.save("dave", bob)).isTrue();
		ReceiptStore restarted = store();
		assertThat(restarted.findByMessage("alice", "m-1")).containsExactly(bob, carol);
		assertThat(restarted.findByMessage("dave", "m-1")).containsExactly(bob);
		assertThat(restarted.exists("alice", "m-1", "carol")).isTrue();
		assertThat(restarted.exists("dave", "m-1", "carol")).isFalse();
		assertThat(restarted.findByMessage("alice", "m-2")).isEmpty();
		// in UTC, whatever the zone of the JVM
		assertThat(new JdbcTemplate(this.dataSource).queryForObject(
				"select read_at from realtime_read_receipt where owner_user_id = 'dave'", LocalDateTime.class))
			.isEqualTo(LocalDateTime.parse("2026-01-02T03:04:05.123456"));
	}

	@Test
	void keepsTheLongestIdsTheProtocolAllows() {
		ReadReceipt longest = new ReadReceipt("m".repeat(ChannelFields.MAX_ID_LENGTH),
				"c".repeat(ChannelFields.MAX_ID_LENGTH), "r".repeat(128), Instant.parse("2026-01-02T03:04:05Z"));
		ReceiptStore store = store();
		assertThat(store.save("alice", longest)).isTrue();
		assertThat(store.findByMessage("alice", longest.messageId())).containsExactly(longest);
	}

	@Test
	void aDuplicateLeavesTheCallersTransactionUsable() {
		ReadReceipt bob = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05Z"));
		ReadReceipt carol = new ReadReceipt("m-1", "general", "carol", Instant.parse("2026-01-02T03:04:06Z"));
		TransactionTemplate transactions = new TransactionTemplate(new DataSourceTransactionManager(this.dataSource));
		ReceiptStore store = new JdbcReceiptStore(this.dataSource, transactions);
		store.save("alice", bob);
		transactions.executeWithoutResult((status) -> {
			assertThat(store.save("alice", bob)).isFalse();
			assertThat(store.save("alice", carol)).isTrue();
		});
		assertThat(store.findByMessage("alice", "m-1")).containsExactly(bob, carol);
	}

	@Test
	void deleteAllDeletesOnlyTheOwnersReceipts() {
		ReadReceipt bob = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05Z"));
		ReceiptStore store = store();
		store.save("alice", bob);
		store.save("dave", bob);
		store.deleteAll("alice");
		assertThat(store.findByMessage("alice", "m-1")).isEmpty();
		assertThat(store.findByMessage("dave", "m-1")).containsExactly(bob);
	}

	private ReceiptStore store() {
		return new JdbcReceiptStore(this.dataSource,
				new TransactionTemplate(new DataSourceTransactionManager(this.dataSource)));
	}

}

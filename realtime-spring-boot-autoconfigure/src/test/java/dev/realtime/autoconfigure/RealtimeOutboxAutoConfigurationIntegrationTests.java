package dev.realtime.autoconfigure;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.persistence.autoconfigure.EntityScan;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.orm.jpa.SharedEntityManagerCreator;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.autoconfigure.app.AppNote;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.OutboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.UserAssignments;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.inbox.JdbcInboundStoreFactory;
import dev.realtime.outbox.JdbcOutboundQueue;
import dev.realtime.outbox.JdbcOutboundQueueFactory;
import dev.realtime.outbox.JdbcUserAssignments;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.JdbcReceiptStore;
import dev.realtime.receipts.ReadReceipt;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.schema.RealtimeSchemaMigrator;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeOutboxAutoConfiguration}.
 */
@ExtendWith(OutputCaptureExtension.class)
class RealtimeOutboxAutoConfigurationIntegrationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class, HibernateJpaAutoConfiguration.class,
				TransactionAutoConfiguration.class, FlywayAutoConfiguration.class,
				RealtimeOutboxAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
				RealtimeAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false", "spring.flyway.enabled=false");

	private ApplicationContextRunner h2() {
		return this.runner.withPropertyValues(
				"spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
				"spring.jpa.hibernate.ddl-auto=none");
	}

	@Test
	void usesTheJdbcOutboxWhenTheApplicationHasADatabase() {
		h2().run((context) -> {
			assertThat(context).hasSingleBean(RealtimeSchemaMigrator.class)
				.hasSingleBean(OutboxDeadLetters.class)
				.hasSingleBean(RealtimeClient.class);
			assertThat(context.getBean(UserAssignments.class)).isInstanceOf(JdbcUserAssignments.class);
			assertThat(context.getBean(OutboundQueueFactory.class)).isInstanceOf(JdbcOutboundQueueFactory.class);
			assertThat(context.getBean(OutboundQueueFactory.class).create("alice").pendingCount()).isZero();
			assertThat(context).doesNotHaveBean(org.flywaydb.core.Flyway.class);
		});
	}

	@Test
	void hibernateCreateDropLeavesTheLibraryTablesToItsMigrations() {
		this.runner.withUserConfiguration(ApplicationWithOwnEntityScan.class)
			.withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
					"spring.jpa.hibernate.ddl-auto=create-drop")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				// Hibernate created the application's table and left the migrated ones
				// alone: a table
				// it had recreated from the entity mappings would have lost the relay's
				// index
				assertThat(jdbc.queryForObject(
						"select count(*) from information_schema.tables" + " where lower(table_name) = 'app_note'",
						Long.class))
					.isEqualTo(1);
				assertThat(jdbc.queryForObject("select count(*) from information_schema.indexes"
						+ " where lower(index_name) = 'realtime_outbox_relay_ix'", Long.class))
					.isPositive();
				OutboundQueue queue = context.getBean(OutboundQueueFactory.class).create("alice");
				queue.enqueue(new OutboundMessage("k1", "e", "{}", Instant.now()), true, new NoOutcome());
				assertThat(queue.acquireLease()).isTrue();
				assertThat(queue.claim(10)).hasSize(1);
			});
	}

	@Test
	void storesReadReceiptsBesideTheApplicationsOwnEntityScan() {
		h2().withConfiguration(AutoConfigurations.of(RealtimePresenceAutoConfiguration.class))
			.withUserConfiguration(ApplicationWithOwnEntityScan.class)
			.run((context) -> {
				ReceiptStore store = context.getBean(ReceiptStore.class);
				assertThat(store).isInstanceOf(JdbcReceiptStore.class);
				ReadReceipt receipt = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05Z"));
				assertThat(store.save("alice", receipt)).isTrue();
				assertThat(store.findByMessage("alice", "m-1")).containsExactly(receipt);
			});
	}

	@Test
	void keepsEveryStoreInTheDatabaseWithoutJpaAcrossRestarts(CapturedOutput output) {
		ApplicationContextRunner withoutJpa = h2()
			.withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class,
					RealtimeInboxAutoConfiguration.class, RealtimePresenceAutoConfiguration.class,
					RealtimeHealthAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("org.hibernate", "jakarta.persistence"));
		ReadReceipt receipt = new ReadReceipt("m-1", "general", "bob", Instant.parse("2026-01-02T03:04:05Z"));
		withoutJpa.run((context) -> {
			assertThat(context).hasNotFailed()
				.hasSingleBean(RealtimeSchemaMigrator.class)
				.hasSingleBean(JdbcOutboundQueueFactory.class)
				.hasSingleBean(JdbcInboundStoreFactory.class)
				.hasSingleBean(FailedInboundEvents.class)
				.doesNotHaveBean("entityManagerFactory");
			assertThat(context.getBean(ReceiptStore.class)).isInstanceOf(JdbcReceiptStore.class);
			assertThat(context.getBean(RealtimeHealthIndicator.class).health().getDetails()).containsEntry("store",
					"jdbc");
			context.getBean(OutboundQueueFactory.class)
				.create("alice")
				.enqueue(new OutboundMessage("k1", "e", "{}", Instant.now()), true, new NoOutcome());
			context.getBean(InboundStoreFactory.class)
				.create("alice")
				.append(List.of(new InboundMessage("alice", 1, "chat.message", JsonNodeFactory.instance.objectNode(),
						null, null, null)));
			context.getBean(ReceiptStore.class).save("alice", receipt);
		});
		assertThat(output)
			.contains("Realtime outbox, inbox and read receipts are in the database of DataSource "
					+ "'dataSource' (JDBC)")
			.doesNotContain("are in memory");
		// the same database after a restart: nothing was kept in memory
		withoutJpa.run((context) -> {
			assertThat(context.getBean(OutboundQueueFactory.class).create("alice").pendingCount()).isEqualTo(1);
			assertThat(context.getBean(InboundStoreFactory.class).create("alice").undelivered(10))
				.extracting(InboundMessage::seq)
				.containsExactly(1L);
			assertThat(context.getBean(ReceiptStore.class).findByMessage("alice", "m-1")).containsExactly(receipt);
		});
	}

	@Test
	void keepsTheStoresInMemoryOnlyWhenAsked(CapturedOutput output) {
		h2().withConfiguration(AutoConfigurations.of(RealtimeInboxAutoConfiguration.class,
				RealtimePresenceAutoConfiguration.class, RealtimeHealthAutoConfiguration.class))
			.withPropertyValues("realtime.outbox.store=memory")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(JdbcOutboundQueueFactory.class)
					.doesNotHaveBean(JdbcInboundStoreFactory.class)
					.doesNotHaveBean(RealtimeSchemaMigrator.class);
				assertThat(context.getBean(OutboundQueueFactory.class).create("alice"))
					.isInstanceOf(InMemoryOutboundQueue.class);
				assertThat(context.getBean(InboundStoreFactory.class).create("alice"))
					.isInstanceOf(InMemoryInboundStore.class);
				assertThat(context.getBean(ReceiptStore.class)).isInstanceOf(InMemoryReceiptStore.class);
				assertThat(context.getBean(RealtimeHealthIndicator.class).health().getDetails()).containsEntry("store",
						"memory");
			});
		assertThat(output).contains("Realtime outbox, inbox and read receipts are in memory");
	}

	@Test
	void failsNamingTheChoiceWithSeveralDataSourcesAndNonePrimary() {
		this.runner.withUserConfiguration(TwoDataSources.class).run((context) -> {
			assertThat(context).hasFailed();
			Throwable failure = context.getStartupFailure();
			assertThat(failure).rootCause()
				.isInstanceOf(RealtimeStoreUnavailableException.class)
				.hasMessageContaining("has 2 and none is primary: [orders, audit]");
			FailureAnalysis analysis = new RealtimeStoreFailureAnalyzer().analyze(failure);
			assertThat(analysis).isNotNull();
			assertThat(analysis.getAction()).contains("@Primary").contains("realtime.outbox.store=memory");
		});
	}

	@Test
	void usesThePrimaryOfSeveralDataSources(CapturedOutput output) {
		this.runner.withUserConfiguration(TwoDataSources.class, PrimaryDataSource.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(JdbcOutboundQueueFactory.class);
			assertThat(context.getBean(OutboundQueueFactory.class).create("alice").pendingCount()).isZero();
		});
		assertThat(output).contains("in the database of DataSource 'main' (JDBC)");
	}

	@Test
	void severalDataSourcesMayKeepTheStoresInMemoryWhenAsked() {
		this.runner.withUserConfiguration(TwoDataSources.class)
			.withPropertyValues("realtime.outbox.store=memory")
			.run((context) -> assertThat(context.getBean(OutboundQueueFactory.class).create("alice"))
				.isInstanceOf(InMemoryOutboundQueue.class));
	}

	@Test
	void failsWhenTheDatabaseIsAskedForWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RealtimeOutboxAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
			.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
					"realtime.auto-connect=false", "realtime.outbox.store=jdbc")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.isInstanceOf(RealtimeStoreUnavailableException.class)
				.hasMessageContaining("has none"));
	}

	@Test
	void usesTheInMemoryQueueWithoutADataSource() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RealtimeOutboxAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
			.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
					"realtime.auto-connect=false")
			.run((context) -> {
				assertThat(context).doesNotHaveBean(JdbcOutboundQueueFactory.class);
				assertThat(context.getBean(OutboundQueueFactory.class).create("alice"))
					.isInstanceOf(InMemoryOutboundQueue.class);
			});
	}

	@Test
	void backsOffWhenUserDefinesOutboundQueueFactory() {
		h2().withUserConfiguration(UserQueueFactory.class).run((context) -> {
			assertThat(context).doesNotHaveBean(JdbcOutboundQueueFactory.class)
				.doesNotHaveBean(OutboxDeadLetters.class)
				.doesNotHaveBean(UserAssignments.class);
			assertThat(context.getBean(OutboundQueueFactory.class)).isSameAs(UserQueueFactory.FACTORY);
		});
	}

	@Test
	void skipsTheMigrationWhenSchemaIsDisabled() {
		h2().withPropertyValues("realtime.schema.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(RealtimeSchemaMigrator.class)
				.hasSingleBean(JdbcOutboundQueueFactory.class);
			JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
			assertThat(jdbc.queryForObject(
					"select count(*) from information_schema.tables where lower(table_name) = 'realtime_outbox'",
					Long.class))
				.isZero();
		});
	}

	@Test
	void migratesBothSchemasAndKeepsBothEntitySetsWithTheApplicationsOwnEntityScanOnPostgresql() {
		try (TestDatabases.Isolated database = TestDatabases.postgres().createIsolated("app")) {
			this.runner.withUserConfiguration(ApplicationWithOwnEntityScan.class)
				.withPropertyValues(database.springProperties())
				.withPropertyValues("spring.flyway.enabled=true", "spring.flyway.locations=classpath:db/sample-app",
						"spring.jpa.hibernate.ddl-auto=validate")
				.run((context) -> {
					assertThat(context).hasNotFailed().hasSingleBean(org.flywaydb.core.Flyway.class);
					EntityManagerFactory entityManagerFactory = context.getBean(EntityManagerFactory.class);
					EntityManager entityManager = SharedEntityManagerCreator
						.createSharedEntityManager(entityManagerFactory);
					TransactionTemplate transaction = new TransactionTemplate(
							context.getBean(PlatformTransactionManager.class));
					JdbcOutboundQueue queue = context.getBean(JdbcOutboundQueueFactory.class).create("alice");
					// one transaction writes the application's entity and the library's
					transaction.executeWithoutResult((status) -> {
						entityManager.persist(new AppNote(1L, "hello"));
						queue.enqueue(new OutboundMessage("k1", "note.created", "{\"id\":1}", java.time.Instant.now()),
								true, new NoOutcome());
					});
					String text = transaction.execute((status) -> entityManager.find(AppNote.class, 1L).getText());
					assertThat(text).isEqualTo("hello");
					assertThat(queue.acquireLease()).isTrue();
					assertThat(queue.claim(10)).hasSize(1);
					JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
					assertThat(
							jdbc.queryForObject("select count(*) from flyway_schema_history where success", Long.class))
						.isEqualTo(1);
					// the library's history holds only its own scripts, the application's
					// only its own
					assertThat(jdbc.queryForList(
							"select script from realtime_schema_history where success and type = 'SQL'", String.class))
						.isNotEmpty()
						.allMatch((script) -> script.matches("V\\d+__(outbox|inbox|receipts)[a-z_]*\\.sql"));
				});
		}
	}

	static DataSource h2DataSource() {
		return new SimpleDriverDataSource(new org.h2.Driver(),
				"jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", "sa", "");
	}

	@Configuration(proxyBeanMethods = false)
	@EntityScan(basePackageClasses = AppNote.class)
	static class ApplicationWithOwnEntityScan {

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoDataSources {

		@Bean
		DataSource orders() {
			return h2DataSource();
		}

		@Bean
		DataSource audit() {
			return h2DataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class PrimaryDataSource {

		@Bean
		@Primary
		DataSource main() {
			return h2DataSource();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserQueueFactory {

		static final OutboundQueueFactory FACTORY = (userId) -> new InMemoryOutboundQueue(10);

		@Bean
		OutboundQueueFactory userOutboundQueueFactory() {
			return FACTORY;
		}

	}

	static final class NoOutcome implements EnqueueOutcome {

		@Override
		public void claimable() {
		}

		@Override
		public void discarded() {
		}

	}

}

package dev.realtime.listener;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.autoconfigure.RealtimeAuthAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeInboxAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeOutboxAutoConfiguration;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.inbox.FailedInboundEvent;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RealtimeListener} methods over the JDBC inbox on PostgreSQL with
 * {@code realtime.inbox.transactional=true}, in an application with JPA (the
 * {@code JpaTransactionManager} exposes its connection to JDBC) and in one without: a
 * listener's writes commit with the removal of the event, a failing listener's writes
 * roll back, and a parked event can be retried.
 */
class TransactionalInboxListenerIntegrationTests {

	private static TestDatabases.Isolated database;

	// a database of each test's own: the stream of its user starts at seq 1
	@BeforeEach
	void createDatabase() {
		database = TestDatabases.postgres().createIsolated("inbox_listener");
	}

	@AfterEach
	void dropDatabase() {
		database.close();
	}

	private static ApplicationContextRunner runner() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TransactionAutoConfiguration.class,
					RealtimeOutboxAutoConfiguration.class, RealtimeInboxAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
			.withUserConfiguration(PostgresConfiguration.class);
	}

	private static ApplicationContextRunner withJpa() {
		return runner().withConfiguration(AutoConfigurations.of(HibernateJpaAutoConfiguration.class))
			.withPropertyValues("spring.jpa.hibernate.ddl-auto=none");
	}

	private static ApplicationContextRunner withoutJpa() {
		return runner().withConfiguration(AutoConfigurations.of(DataSourceTransactionManagerAutoConfiguration.class))
			.withClassLoader(new FilteredClassLoader("jakarta.persistence", "org.hibernate"));
	}

	@Test
	void listenerWritesCommitWithDeliveryAndParkedEventsCanBeRetriedWithJpa() {
		listenerWritesCommitWithDeliveryAndParkedEventsCanBeRetried(withJpa(), JpaTransactionManager.class);
	}

	@Test
	void listenerWritesCommitWithDeliveryAndParkedEventsCanBeRetriedWithoutJpa() {
		listenerWritesCommitWithDeliveryAndParkedEventsCanBeRetried(withoutJpa(), DataSourceTransactionManager.class);
	}

	@Test
	void theInboxJoinsTheApplicationsJpaTransaction() {
		withJpa().withBean(Transport.class, InMemoryHub::new)
			.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
					"realtime.auto-connect=false")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
				assertThat(transactionManager).isInstanceOf(JpaTransactionManager.class);
				InboundStore store = context.getBean(InboundStoreFactory.class).create("joiner");
				store.append(List.of(new InboundMessage("joiner", 1, "order.created",
						JsonNodeFactory.instance.objectNode(), null, null, null)));
				TransactionTemplate transactions = new TransactionTemplate(transactionManager);
				// the delete runs in the JPA transaction: rolled back with it
				transactions.executeWithoutResult((status) -> {
					store.delivered(1);
					status.setRollbackOnly();
				});
				assertThat(store.undelivered(10)).extracting(InboundMessage::seq).containsExactly(1L);
				transactions.executeWithoutResult((status) -> store.delivered(1));
				assertThat(store.undelivered(10)).isEmpty();
			});
	}

	private void listenerWritesCommitWithDeliveryAndParkedEventsCanBeRetried(ApplicationContextRunner runner,
			Class<? extends PlatformTransactionManager> transactionManager) {
		runner.withUserConfiguration(OrderListener.class)
			.withBean(Transport.class, InMemoryHub::new)
			.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
					"realtime.inbox.max-attempts=2", "realtime.inbox.transactional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(PlatformTransactionManager.class)).isInstanceOf(transactionManager);
				InMemoryHub hub = (InMemoryHub) context.getBean(Transport.class);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				FailedInboundEvents failed = context.getBean(FailedInboundEvents.class);
				await().atMost(Duration.ofSeconds(10)).until(hub::isResumed);
				hub.push(1, "order.created", "{\"id\":\"A-1\"}");
				hub.push(2, "order.created", "{\"id\":\"poison\"}");
				hub.push(3, "order.created", "{\"id\":\"A-3\"}");
				await().atMost(Duration.ofSeconds(10))
					.until(() -> failed.list("alice", 10).size() == 1
							&& count(jdbc, "select count(*) from realtime_inbox_event where status = 'RECEIVED'") == 0);
				// the poison's own insert rolled back with each failed attempt
				assertThat(jdbc.queryForList("select id from orders order by id", String.class)).containsExactly("A-1",
						"A-3");
				assertThat(failed.list("alice", 10)).singleElement()
					.extracting(FailedInboundEvent::seq, FailedInboundEvent::attempts)
					.containsExactly(2L, 2);
				context.getBean(OrderListener.class).acceptPoison = true;
				assertThat(failed.retry("alice", 2)).isTrue();
				await().atMost(Duration.ofSeconds(10))
					.until(() -> count(jdbc, "select count(*) from realtime_inbox_event") == 0);
				assertThat(jdbc.queryForList("select id from orders order by id", String.class)).containsExactly("A-1",
						"A-3", "poison");
			});
	}

	private static long count(JdbcTemplate jdbc, String sql) {
		Long count = jdbc.queryForObject(sql, Long.class);
		return (count != null) ? count : 0;
	}

	@Configuration(proxyBeanMethods = false)
	static class PostgresConfiguration {

		@Bean
		DataSource dataSource() {
			SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new Driver(), database.url(),
					database.server().username(), database.server().password());
			new JdbcTemplate(dataSource).execute("create table orders (id varchar(32) primary key)");
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class OrderListener {

		private final JdbcTemplate jdbc;

		volatile boolean acceptPoison;

		OrderListener(DataSource dataSource) {
			this.jdbc = new JdbcTemplate(dataSource);
		}

		@RealtimeListener("order.*")
		void onOrder(InboundMessage message) {
			JsonNode id = message.payload().get("id");
			this.jdbc.update("insert into orders (id) values (?)", id.stringValue());
			if (id.stringValue().equals("poison") && !this.acceptPoison) {
				throw new IllegalStateException("cannot handle " + id.stringValue());
			}
		}

	}

}

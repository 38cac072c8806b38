package dev.realtime.listener;

import java.time.Duration;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.Driver;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import tools.jackson.databind.JsonNode;

import dev.realtime.autoconfigure.RealtimeAuthAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeInboxAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeOutboxAutoConfiguration;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.Transport;
import dev.realtime.inbox.FailedInboundEvent;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RealtimeListener} methods over the JPA inbox on PostgreSQL with
 * {@code realtime.inbox.transactional=true}: a listener's writes commit with the removal
 * of the event, a failing listener's writes roll back, and a parked event can be retried.
 */
class TransactionalJpaInboxListenerTests {

	private static TestDatabases.Isolated database;

	@BeforeAll
	static void createDatabase() {
		database = TestDatabases.postgres().createIsolated("inbox_listener");
	}

	@AfterAll
	static void dropDatabase() {
		database.close();
	}

	@Test
	void listenerWritesCommitWithDeliveryAndParkedEventsCanBeRetried() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(HibernateJpaAutoConfiguration.class, TransactionAutoConfiguration.class,
							RealtimeOutboxAutoConfiguration.class, RealtimeInboxAutoConfiguration.class,
							RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
			.withUserConfiguration(PostgresConfiguration.class, OrderListener.class)
			.withBean(Transport.class, InMemoryHub::new)
			.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
					"realtime.inbox.max-attempts=2", "realtime.inbox.transactional=true")
			.run((context) -> {
				assertThat(context).hasNotFailed();
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

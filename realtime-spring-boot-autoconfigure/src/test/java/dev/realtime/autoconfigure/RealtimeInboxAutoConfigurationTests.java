package dev.realtime.autoconfigure;

import java.util.List;

import javax.sql.DataSource;

import org.h2.Driver;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionOperations;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.InboundStoreFactory;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.inbox.JdbcInboundStore;
import dev.realtime.inbox.JdbcInboundStoreFactory;
import dev.realtime.inbox.TransactionalInboundStore;
import dev.realtime.listener.RealtimeListenerAnnotationBeanPostProcessor;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeInboxAutoConfiguration}.
 */
class RealtimeInboxAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeInboxAutoConfiguration.class,
				RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false");

	/** An application with a DataSource and no JPA on its classpath. */
	private final ApplicationContextRunner jdbcRunner = this.runner
		.withConfiguration(
				AutoConfigurations.of(TransactionAutoConfiguration.class, RealtimeOutboxAutoConfiguration.class))
		.withClassLoader(new FilteredClassLoader("jakarta.persistence", "org.hibernate"))
		.withUserConfiguration(H2Configuration.class);

	@Test
	void providesJdbcInboundStoreWhenTheApplicationHasADataSourceWithoutJpa() {
		this.jdbcRunner.run((context) -> {
			assertThat(context).hasSingleBean(JdbcInboundStoreFactory.class).hasSingleBean(FailedInboundEvents.class);
			InboundStore store = context.getBean(InboundStoreFactory.class).create("alice");
			assertThat(store).isInstanceOf(JdbcInboundStore.class);
			store.append(List.of(new InboundMessage("alice", 1, "chat.message",
					JsonNodeFactory.instance.objectNode().put("text", "hi"), null, null, null)));
			assertThat(context.getBean(InboundStoreFactory.class).create("alice").lastSeq()).isEqualTo(1);
		});
	}

	@Test
	void decoratesStoresForTransactionalDeliveryWhenEnabled() {
		this.jdbcRunner.withPropertyValues("realtime.inbox.transactional=true")
			.run((context) -> assertThat(context.getBean(InboundStoreFactory.class).create("alice"))
				.isInstanceOf(TransactionalInboundStore.class));
	}

	@Test
	void fallsBackToInMemoryStoreWithoutADataSource() {
		this.runner.run((context) -> {
			assertThat(context).doesNotHaveBean(JdbcInboundStoreFactory.class)
				.doesNotHaveBean(FailedInboundEvents.class)
				.hasSingleBean(RealtimeListenerAnnotationBeanPostProcessor.class);
			assertThat(context.getBean(InboundStoreFactory.class).create("alice"))
				.isInstanceOf(InMemoryInboundStore.class);
		});
	}

	@Test
	void keepsTheInboxInMemoryOnlyWhenAsked() {
		this.jdbcRunner.withPropertyValues("realtime.outbox.store=memory").run((context) -> {
			assertThat(context).doesNotHaveBean(JdbcInboundStoreFactory.class)
				.doesNotHaveBean(FailedInboundEvents.class)
				.hasSingleBean(RealtimeListenerAnnotationBeanPostProcessor.class);
			assertThat(context.getBean(InboundStoreFactory.class).create("alice"))
				.isInstanceOf(InMemoryInboundStore.class);
		});
	}

	@Test
	void backsOffWhenUserDefinesInboundStoreFactory() {
		this.jdbcRunner
			.withBean("myInboundStores", InboundStoreFactory.class, () -> (userId) -> new InMemoryInboundStore())
			.run((context) -> assertThat(context).hasSingleBean(InboundStoreFactory.class)
				.hasBean("myInboundStores")
				.doesNotHaveBean(JdbcInboundStoreFactory.class)
				.hasSingleBean(FailedInboundEvents.class));
	}

	@Test
	void backsOffWhenUserDefinesFailedInboundEvents() {
		this.jdbcRunner.withUserConfiguration(CustomFailedEventsConfiguration.class)
			.run((context) -> assertThat(context).hasSingleBean(FailedInboundEvents.class).hasBean("myFailedEvents"));
	}

	@Test
	void doesNothingWhenRealtimeIsDisabled() {
		this.jdbcRunner.withPropertyValues("realtime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(InboundStoreFactory.class)
				.doesNotHaveBean(RealtimeListenerAnnotationBeanPostProcessor.class));
	}

	/**
	 * An application with an H2 database; the library migrates its schema.
	 */
	@Configuration(proxyBeanMethods = false)
	static class H2Configuration {

		@Bean
		DataSource dataSource() {
			SimpleDriverDataSource dataSource = new SimpleDriverDataSource(new Driver(),
					"jdbc:h2:mem:inbox" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
			return dataSource;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomFailedEventsConfiguration {

		@Bean
		FailedInboundEvents myFailedEvents(DataSource dataSource) {
			return new FailedInboundEvents(dataSource, TransactionOperations.withoutTransaction(),
					JsonMapper.builder().build(), (userId) -> {
					});
		}

	}

}

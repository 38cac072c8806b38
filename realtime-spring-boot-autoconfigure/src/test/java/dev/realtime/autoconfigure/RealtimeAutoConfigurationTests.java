package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.ClientRuntime;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.client.spi.Transport;
import dev.realtime.users.RealtimeClientLifecycle;

import static org.assertj.core.api.Assertions.assertThat;

class RealtimeAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false");

	@Test
	void leavesBootsApplicationTaskExecutorInPlace() {
		this.runner.withConfiguration(AutoConfigurations.of(TaskExecutionAutoConfiguration.class)).run((context) -> {
			assertThat(context).hasSingleBean(Transport.class).hasBean("applicationTaskExecutor");
			// @Async and MVC async find Boot's executor: the starter registers no
			// Executor of its own
			assertThat(context.getBeansOfType(Executor.class)).containsOnlyKeys("applicationTaskExecutor");
		});
	}

	@Test
	void createsClientWithDefaultsFromProperties() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeClient.class).hasSingleBean(RealtimeClientLifecycle.class);
			RealtimeClient client = context.getBean(RealtimeClient.class);
			assertThat(client.userId()).isEqualTo("alice");
			assertThat(client.connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
			ClientSettings settings = context.getBean(ClientSettings.class);
			assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(settings.backoff().initialDelay()).isEqualTo(Duration.ofSeconds(1));
			assertThat(settings.backoff().maxDelay()).isEqualTo(Duration.ofSeconds(30));
			assertThat(settings.backoff().jitter()).isEqualTo(0.2);
			assertThat(settings.maxRetries()).isEqualTo(-1);
			assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(25));
			assertThat(settings.heartbeatTimeout()).isEqualTo(Duration.ofSeconds(10));
			assertThat(settings.defaultDeliveryStrategy()).isEqualTo(DeliveryStrategy.AT_LEAST_ONCE);
			assertThat(settings.batchSize()).isEqualTo(100);
			assertThat(settings.maxFrameSize()).isEqualTo(1024 * 1024);
			assertThat(settings.maxInFlight()).isEqualTo(1000);
			assertThat(settings.pollInterval()).isEqualTo(Duration.ofSeconds(1));
		});
	}

	@Test
	void bindsRelaxedPropertyValues() {
		this.runner
			.withPropertyValues("realtime.delivery-strategy=best-effort-ordered", "realtime.reconnect.max-retries=5",
					"realtime.heartbeat.interval=5s", "realtime.batch.size=100")
			.run((context) -> {
				ClientSettings settings = context.getBean(ClientSettings.class);
				assertThat(settings.defaultDeliveryStrategy()).isEqualTo(DeliveryStrategy.BEST_EFFORT_ORDERED);
				assertThat(settings.maxRetries()).isEqualTo(5);
				assertThat(settings.heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));
				assertThat(settings.batchSize()).isEqualTo(100);
			});
	}

	@Test
	void rejectsInvalidUserIdNamingTheProperty() {
		this.runner.withPropertyValues("realtime.user-id=Alice Smith").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.user-id")
				.hasMessageContaining("a-z, 0-9");
		});
	}

	@Test
	void requiresUrlWithClearMessage() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class))
			.withPropertyValues("realtime.user-id=alice")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.url")
				.hasMessageContaining("realtime.enabled=false"));
	}

	@Test
	void rejectsNonWebSocketUrlAndBadBackoff() {
		this.runner.withPropertyValues("realtime.url=http://localhost/realtime")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("ws:// or wss://"));
		this.runner.withPropertyValues("realtime.reconnect.jitter=2")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("realtime.reconnect")
				.hasMessageContaining("jitter must be between 0 and 1"));
	}

	@Test
	void backsOffWhenUserDefinesTokenProviderAndQueueFactory() {
		this.runner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasSingleBean(TokenProvider.class);
			assertThat(context.getBean(TokenProvider.class)).isSameAs(context.getBean("userTokens"));
			assertThat(context.getBean(OutboundQueueFactory.class)).isSameAs(context.getBean("userQueues"));
		});
	}

	@Test
	void clientRunsOnASharedRuntimeClosedWithTheContext() {
		ClientRuntime[] runtime = new ClientRuntime[1];
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(ClientRuntime.class).hasSingleBean(RealtimeClient.class);
			runtime[0] = context.getBean(ClientRuntime.class);
			assertThat(runtime[0].isClosed()).isFalse();
		});
		assertThat(runtime[0].isClosed()).isTrue();
	}

	@Test
	void backsOffWhenUserDefinesClientRuntime() {
		this.runner.withBean("myRuntime", ClientRuntime.class, () -> new ClientRuntime(1, 1, 1))
			.run((context) -> assertThat(context).hasSingleBean(ClientRuntime.class)
				.hasBean("myRuntime")
				.hasSingleBean(RealtimeClient.class));
	}

	@Test
	void backsOffWhenUserDefinesClient() {
		this.runner.withBean("myClient", RealtimeClient.class, () -> null)
			.run((context) -> assertThat(context).doesNotHaveBean(DefaultRealtimeClient.class)
				.doesNotHaveBean(RealtimeClientLifecycle.class));
	}

	@Test
	void disabledByProperty() {
		this.runner.withPropertyValues("realtime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeClient.class)
				.doesNotHaveBean(RealtimeProperties.class));
	}

	@Test
	void staticTokenProviderNeverShowsTheToken() {
		this.runner.withPropertyValues("realtime.auth.token=s3cr3t-value")
			.run((context) -> assertThat(context.getBean(TokenProvider.class).toString()).doesNotContain("s3cr3t"));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		TokenProvider userTokens() {
			return new StaticTokenProvider("mine");
		}

		@Bean
		OutboundQueueFactory userQueues() {
			return (userId) -> new InMemoryOutboundQueue(1);
		}

	}

}

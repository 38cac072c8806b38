package dev.realtime.starter;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.task.AsyncTaskExecutor;
import org.springframework.util.ClassUtils;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.OutboundQueueFactory;
import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.ReceiptStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The starter as an application with nothing else sees it: this module's test classpath
 * is the starter's own dependencies, with no JDBC driver and no database.
 */
@ExtendWith(OutputCaptureExtension.class)
class StarterWithoutDatabaseTests {

	@Test
	void startsWithInMemoryStoresBesideBootsTaskExecutor(CapturedOutput output) {
		assertThat(ClassUtils.isPresent("org.h2.Driver", null)).isFalse();
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.run("--realtime.url=ws://127.0.0.1:1/realtime", "--realtime.user-id=alice",
					"--realtime.auto-connect=false")) {
			assertThat(context.getBean(OutboundQueueFactory.class).create("alice"))
				.isInstanceOf(InMemoryOutboundQueue.class);
			assertThat(context.getBean(ReceiptStore.class)).isInstanceOf(InMemoryReceiptStore.class);
			assertThat(output).contains("Realtime outbox, inbox and read receipts are in memory");
			RealtimeClient client = context.getBean(RealtimeClient.class);
			client.sendEvent("order.shipped", Map.of("orderId", 42));
			assertThat(client.pendingCount()).isEqualTo(1);
			// @Async and MVC async keep Boot's executor
			assertThat(context.getBean("applicationTaskExecutor")).isInstanceOf(AsyncTaskExecutor.class);
		}
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class Application {

	}

}

package dev.realtime.samples.orders;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.realtime.testkit.AutoConfigureRealtimeHub;
import dev.realtime.testkit.RealtimeHubTester;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The listener handles an event the hub pushes, once, even when the connection drops
 * right after the push.
 */
@SpringBootTest
@AutoConfigureRealtimeHub
class CancellationListenerIntegrationTests {

	@Autowired
	private OrderService orders;

	@Autowired
	private RealtimeHubTester hub;

	@Test
	void cancelsTheOrderTheHubSaysWasCancelled() {
		this.orders.place("order-7");
		this.hub.awaitConnected("orders");

		this.hub.push("orders", "order.cancelled", Map.of("orderId", "order-7"));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.orders.status("order-7"), "CANCELLED"::equals);
	}

	@Test
	void getsAPushMadeWhileDisconnectedOnceItIsBack() {
		this.orders.place("order-8");
		this.hub.awaitConnected("orders");
		this.hub.pause();
		this.hub.push("orders", "order.cancelled", Map.of("orderId", "order-8"));
		assertThat(this.orders.status("order-8")).isEqualTo("PLACED");
		this.hub.resume();

		// the client reconnects with backoff and resumes from its cursor
		await().atMost(Duration.ofSeconds(30)).until(() -> this.orders.status("order-8"), "CANCELLED"::equals);
		assertThat(this.hub.closeCodes("orders")).contains(1001);
	}

}

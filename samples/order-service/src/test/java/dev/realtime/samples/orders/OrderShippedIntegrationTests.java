package dev.realtime.samples.orders;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.realtime.testkit.AutoConfigureRealtimeHub;
import dev.realtime.testkit.RealtimeHubTester;
import dev.realtime.testkit.ReceivedEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service sends one {@code order.shipped} per order shipped, also through a dropped
 * connection: the examples of docs/testing.md, at the starter's defaults.
 */
@SpringBootTest
@AutoConfigureRealtimeHub
class OrderShippedIntegrationTests {

	@Autowired
	private OrderService orders;

	@Autowired
	private RealtimeHubTester hub;

	@Test
	void sendsOneEventPerOrderShipped() {
		this.orders.place("order-1");
		this.orders.ship("order-1");

		List<ReceivedEvent> received = this.hub.awaitReceived("orders", 1);
		assertThat(received).singleElement().satisfies((event) -> {
			assertThat(event.event()).isEqualTo("order.shipped");
			assertThat(event.payload().get("orderId").stringValue()).isEqualTo("order-1");
			assertThat(event.idempotencyKey()).isEqualTo("order-shipped-order-1");
		});
	}

	@Test
	void survivesADropInTheMiddle() {
		IntStream.rangeClosed(1, 200).forEach((i) -> this.orders.place("drop-" + i));
		IntStream.rangeClosed(1, 100).forEach((i) -> this.orders.ship("drop-" + i));
		this.hub.awaitReceived("orders", 1);
		this.hub.dropConnections();
		IntStream.rangeClosed(101, 200).forEach((i) -> this.orders.ship("drop-" + i));

		List<ReceivedEvent> received = this.hub.awaitReceived("orders", 200);
		assertThat(received).extracting((event) -> event.payload().get("orderId").stringValue())
			.doesNotHaveDuplicates()
			.hasSize(200);
		assertThat(this.hub.closeCodes("orders")).contains(1001);
	}

}

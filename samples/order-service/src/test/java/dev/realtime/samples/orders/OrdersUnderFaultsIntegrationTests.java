package dev.realtime.samples.orders;

import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.realtime.testkit.AutoConfigureRealtimeHub;
import dev.realtime.testkit.RealtimeHubTester;
import dev.realtime.testkit.ReceivedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * 2,000 orders shipped while the hub drops the connection every 50 events and every token
 * expires 2 s after its handshake: each {@code order.shipped} is received once, and the
 * hub saw the resends the faults caused.
 */
// the first reconnect after a drop waits realtime.reconnect.initial-delay (1 s by
// default): 40 drops would spend 40 s there. The reconnect at the defaults is proven by
// OrderShippedIntegrationTests.survivesADropInTheMiddle.
@SpringBootTest(properties = "realtime.reconnect.initial-delay=100ms")
@AutoConfigureRealtimeHub
class OrdersUnderFaultsIntegrationTests {

	private static final int ORDERS = 2_000;

	@Autowired
	private OrderService orders;

	@Autowired
	private RealtimeHubTester hub;

	@Test
	void everyOrderShippedIsReceivedOnceThroughDropsAndTokenExpiries() {
		IntStream.rangeClosed(1, ORDERS).forEach((i) -> this.orders.place("order-" + i));
		this.hub.awaitConnected("orders");
		this.hub.dropEvery(50);
		this.hub.expireTokensEvery(Duration.ofSeconds(2));
		this.hub.dropConnections();

		long start = System.nanoTime();
		// half before a token expiry and half after it: on a fast machine all 2,000 would
		// otherwise be through before the first expiry, two seconds in
		IntStream.rangeClosed(1, ORDERS / 2).forEach((i) -> this.orders.ship("order-" + i));
		await().atMost(Duration.ofSeconds(30)).until(() -> this.hub.closeCodes("orders").contains(4001));
		IntStream.rangeClosed(ORDERS / 2 + 1, ORDERS).forEach((i) -> this.orders.ship("order-" + i));

		List<ReceivedEvent> received = this.hub.awaitReceived("orders", (events) -> events.size() >= ORDERS,
				Duration.ofMinutes(2));
		assertThat(received).extracting((event) -> event.payload().get("orderId").stringValue())
			.doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(
					IntStream.rangeClosed(1, ORDERS).mapToObj((i) -> "order-" + i).toList());
		long millis = (System.nanoTime() - start) / 1_000_000;
		int resends = this.hub.resends("orders");
		long resentEvents = received.stream().filter((event) -> event.timesSent() > 1).count();
		List<Integer> closeCodes = this.hub.closeCodes("orders");
		System.out.printf(
				"%d events received once each in %d ms; %d arrivals were resends (%d events resent); "
						+ "%d drops (1001), %d token expiries (4001)%n",
				received.size(), millis, resends, resentEvents,
				closeCodes.stream().filter((code) -> code == 1001).count(),
				closeCodes.stream().filter((code) -> code == 4001).count());
		assertThat(closeCodes).contains(1001, 4001);
		assertThat(resends).isPositive();
	}

}

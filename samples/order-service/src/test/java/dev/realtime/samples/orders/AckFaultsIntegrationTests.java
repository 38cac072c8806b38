package dev.realtime.samples.orders;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.Subscription;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.testkit.AutoConfigureRealtimeHub;
import dev.realtime.testkit.RealtimeHubTester;
import dev.realtime.testkit.ReceivedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the service's outbox does when the hub is slow to ack, withholds its acks or
 * rejects an event: the examples of docs/testing.md for the ack and rejection controls,
 * at the starter's defaults.
 */
@SpringBootTest
@AutoConfigureRealtimeHub
class AckFaultsIntegrationTests {

	@Autowired
	private OrderService orders;

	@Autowired
	private RealtimeClient realtime;

	@Autowired
	private OutboxDeadLetters deadLetters;

	@Autowired
	private RealtimeHubTester hub;

	@Test
	void getsTheAckNoSoonerThanTheHubDelaysIt() {
		this.orders.place("slow-1");
		this.hub.awaitConnected("orders");
		Duration delay = Duration.ofSeconds(1);
		this.hub.delayAcks(delay);
		CompletableFuture<Long> acked = new CompletableFuture<>();
		try (Subscription acks = this.realtime.onAck((ack) -> {
			if (ack.idempotencyKey().equals("order-shipped-slow-1")) {
				acked.complete(System.nanoTime());
			}
		})) {
			long start = System.nanoTime();
			this.orders.ship("slow-1");
			long ackedAt = acked.orTimeout(10, TimeUnit.SECONDS).join();

			// the hub gets the event a second after it arrived: no ack can come sooner
			assertThat(Duration.ofNanos(ackedAt - start)).isGreaterThanOrEqualTo(delay);
		}
		assertThat(this.hub.received("orders"))
			.filteredOn((event) -> event.idempotencyKey().equals("order-shipped-slow-1"))
			.singleElement()
			.satisfies((event) -> assertThat(event.timesSent()).isEqualTo(1));
	}

	@Test
	void resendsWhatTheHubNeverAckedOnceEach() {
		IntStream.rangeClosed(1, 3).forEach((i) -> this.orders.place("held-" + i));
		this.hub.awaitConnected("orders");
		this.hub.withholdAcks();

		IntStream.rangeClosed(1, 3).forEach((i) -> this.orders.ship("held-" + i));
		// while the acks are withheld the events stay in the outbox and the hub has none
		await().during(Duration.ofSeconds(1))
			.atMost(Duration.ofSeconds(5))
			.until(() -> this.realtime.pendingCount() == 3 && this.hub.received("orders").isEmpty());
		this.hub.releaseAcks();

		List<ReceivedEvent> received = this.hub.awaitReceived("orders", 3);
		assertThat(received).extracting((event) -> event.payload().get("orderId").stringValue())
			.containsExactlyInAnyOrder("held-1", "held-2", "held-3");
		// each arrived once while withheld, and again on the connection after the release
		assertThat(received).allSatisfy((event) -> assertThat(event.timesSent()).isGreaterThanOrEqualTo(2));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.realtime.pendingCount() == 0);
	}

	@Test
	void deadLettersTheEventTheHubRejectsAndSendsTheOthers() {
		IntStream.rangeClosed(1, 3).forEach((i) -> this.orders.place("rejected-" + i));
		this.hub.awaitConnected("orders");
		this.hub.rejectEvent("order-shipped-rejected-2", "invalid_event");

		IntStream.rangeClosed(1, 3).forEach((i) -> this.orders.ship("rejected-" + i));

		await().atMost(Duration.ofSeconds(10)).until(() -> this.deadLetters.count("orders") == 1);
		assertThat(this.deadLetters.list("orders", 0, 10)).singleElement().satisfies((dead) -> {
			assertThat(dead.idempotencyKey()).isEqualTo("order-shipped-rejected-2");
			assertThat(dead.errorCode()).isEqualTo("invalid_event");
		});
		assertThat(this.hub.awaitReceived("orders", 2)).extracting(ReceivedEvent::idempotencyKey)
			.containsExactly("order-shipped-rejected-1", "order-shipped-rejected-3");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.realtime.pendingCount() == 0);
	}

}

package dev.realtime.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.transport.OrderedWriter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * At most once means the event may be dropped, not the connection: a sender faster than
 * the hub reads has its at-most-once events dropped once the write buffer is full, and
 * everything else on the connection goes on. Only a hub that reads nothing for
 * {@link OrderedWriter#STALL_TIMEOUT} loses the connection. Default client settings and
 * bounds; the hub is a plain WebSocket server told to read slowly, or not at all.
 */
class AtMostOnceBackpressureTests {

	private static final SendOptions AT_MOST_ONCE = SendOptions.with(DeliveryStrategy.AT_MOST_ONCE);

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	private final AtomicBoolean bursting = new AtomicBoolean(true);

	private final AtomicLong burstSent = new AtomicLong();

	private final AtomicLong burstWritten = new AtomicLong();

	private final AtomicLong burstFailed = new AtomicLong();

	private final Set<String> failureCodes = ConcurrentHashMap.newKeySet();

	@AfterEach
	void stop() {
		this.bursting.set(false);
		this.clients.forEach(DefaultRealtimeClient::close);
	}

	@Test
	void aBurstFasterThanTheHubReadsDropsAtMostOnceEventsNotTheConnection() throws Exception {
		DefaultRealtimeClient client = connect();
		// 5 MB/s: far slower than one thread sends
		this.fixture.hub().readRate(5_000_000);
		Thread burst = burst(client);
		await().atMost(Duration.ofSeconds(60)).until(() -> this.burstFailed.get() > 0);
		List<SendHandle> important = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			important.add(client.sendEvent("important", Map.of("i", i)));
		}
		for (SendHandle handle : important) {
			handle.acknowledged().get(60, TimeUnit.SECONDS);
		}
		this.bursting.set(false);
		burst.join();
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.burstWritten.get() + this.burstFailed.get() == this.burstSent.get());
		// the hub reads everything the client wrote, at its pace
		this.fixture.hub().readRate(0);
		await().atMost(Duration.ofSeconds(60)).until(() -> received("burst") == this.burstWritten.get());

		System.out.printf(
				"at-most-once burst: %,d sent, %,d written and received by the hub, %,d dropped "
						+ "(realtime.messages.dropped %,d); 500 at-least-once acked; %d connection%n",
				this.burstSent.get(), this.burstWritten.get(), this.burstFailed.get(),
				client.metrics().messagesDropped(), this.fixture.hub().handshakes());
		assertThat(this.fixture.hub().handshakes()).as("connections").isEqualTo(1);
		assertThat(client.metrics().reconnects()).isZero();
		assertThat(client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertThat(this.fixture.hub().accepted()).filteredOn((event) -> event.event().equals("important")).hasSize(500);
		assertThat(this.burstFailed.get()).as("dropped").isPositive();
		assertThat(this.failureCodes).containsExactly("backpressure");
		assertThat(client.metrics().messagesDropped()).isEqualTo(this.burstFailed.get());
	}

	@Test
	void aHubThatReadsNothingForTheStallTimeoutLosesTheConnection() throws Exception {
		DefaultRealtimeClient client = connect();
		this.fixture.hub().reading(false);
		long stopped = System.nanoTime();
		Thread burst = burst(client);
		List<SendHandle> important = new ArrayList<>();
		for (int i = 0; i < 500; i++) {
			important.add(client.sendEvent("important", Map.of("i", i)));
		}
		await().atMost(OrderedWriter.STALL_TIMEOUT.plusSeconds(20))
			.until(() -> client.connectionState() != ConnectionState.CONNECTED);
		Duration connected = Duration.ofNanos(System.nanoTime() - stopped);
		System.out.printf("hub stopped reading: connection closed after %,d ms (%s)%n", connected.toMillis(),
				client.lastError());
		this.bursting.set(false);
		burst.join();
		assertThat(client.lastError()).contains("does not read");
		// the transport's write timeout may fire a little early by this clock
		assertThat(connected).isGreaterThan(OrderedWriter.STALL_TIMEOUT.multipliedBy(9).dividedBy(10));
		this.fixture.hub().reading(true);
		for (SendHandle handle : important) {
			handle.acknowledged().get(60, TimeUnit.SECONDS);
		}
		assertThat(this.fixture.hub().accepted()).filteredOn((event) -> event.event().equals("important")).hasSize(500);
		assertThat(this.fixture.hub().handshakes()).isGreaterThan(1);
	}

	private long received(String event) {
		return this.fixture.hub().received().stream().map(EventFrame::event).filter(event::equals).count();
	}

	/**
	 * One thread sending at-most-once events as fast as {@code sendEvent} returns,
	 * counting their outcomes without keeping the handles.
	 */
	private Thread burst(DefaultRealtimeClient client) {
		String text = "x".repeat(1_000);
		Thread thread = new Thread(() -> {
			for (long i = 0; this.bursting.get(); i++) {
				this.burstSent.incrementAndGet();
				client.sendEvent("burst", Map.of("i", i, "text", text), AT_MOST_ONCE)
					.acknowledged()
					.whenComplete((ack, failure) -> {
						if (failure == null) {
							this.burstWritten.incrementAndGet();
						}
						else {
							this.failureCodes.add(((EventRejectedException) failure).getCode());
							this.burstFailed.incrementAndGet();
						}
					});
			}
		}, "burst");
		thread.start();
		return thread;
	}

	private DefaultRealtimeClient connect() {
		DefaultRealtimeClient client = TestClients
			.create(ClientSettings.builder(this.fixture.hub().uri(), "alice").build(), "t");
		this.clients.add(client);
		TestClients.connect(client, Duration.ofSeconds(10));
		return client;
	}

}

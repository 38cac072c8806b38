package dev.realtime.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.FaultProxy.Cut;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events flow both ways through a {@link FaultProxy} that injects a network fault every
 * few hundred events (connections reset or closed, the hub unreachable for a while,
 * latency, a throttled link), with the client at its default timings. Counted at the hub
 * and at the client's listener: nothing lost, nothing duplicated, order kept in each
 * direction.
 * <p>
 * CI sends {@value #CI_EVENTS} events each way; a longer run:
 * {@code ./mvnw -pl realtime-spring-boot-autoconfigure test -Dtest=NetworkFaultSoakTests
 * -Drealtime.soak.events=20000}.
 */
class NetworkFaultSoakTests {

	private static final int CI_EVENTS = 2000;

	private static final int EVENTS = Integer.getInteger("realtime.soak.events", CI_EVENTS);

	private static final int FAULT_EVERY = 300;

	@RegisterExtension
	final HubFixture fixture = HubFixture.behindFaultProxy();

	private final List<InboundMessage> inbound = new CopyOnWriteArrayList<>();

	@Test
	void nothingLostDuplicatedOrReorderedUnderRepeatedNetworkFaults() throws Exception {
		long startedAt = System.nanoTime();
		DefaultRealtimeClient client = TestClients
			.create(ClientSettings.builder(this.fixture.proxy().route(this.fixture.hub().uri()), "alice").build(), "t");
		client.onMessage(this.inbound::add);
		this.fixture.connect(client);

		AtomicBoolean running = new AtomicBoolean(true);
		AtomicInteger faults = new AtomicInteger();
		Thread injector = new Thread(() -> injectFaults(running, faults), "soak-faults");
		injector.start();
		Thread pusher = new Thread(this::pushInbound, "soak-inbound");
		pusher.start();
		List<SendHandle> handles = new ArrayList<>(EVENTS);
		for (int i = 1; i <= EVENTS; i++) {
			handles.add(client.sendEvent("soak", Map.of("i", i)));
			pace();
		}
		for (SendHandle handle : handles) {
			handle.acknowledged().get(5, TimeUnit.MINUTES);
		}
		pusher.join(TimeUnit.MINUTES.toMillis(5));
		await().atMost(Duration.ofMinutes(5)).until(() -> this.inbound.size() >= EVENTS);
		running.set(false);
		injector.join();
		this.fixture.proxy().heal();

		List<EventFrame> accepted = this.fixture.hub().accepted();
		Map<String, Long> seqByKey = new HashMap<>();
		int duplicatedOut = 0;
		for (EventFrame event : accepted) {
			if (seqByKey.putIfAbsent(event.idempotencyKey(), event.seq()) != null) {
				duplicatedOut++;
			}
		}
		List<Integer> outOrder = accepted.stream().map((event) -> event.payload().get("i").intValue()).toList();
		List<Long> inSeqs = this.inbound.stream().map(InboundMessage::seq).toList();
		long lostOut = EVENTS - seqByKey.size();
		long lostIn = EVENTS - inSeqs.stream().distinct().count();
		long duplicatedIn = inSeqs.size() - inSeqs.stream().distinct().count();
		System.out.printf("Soak: %d events each way, %d faults injected, %d reconnects, %d s. Out: sent %d, "
				+ "received by the hub %d (%d frames with resends), lost %d, duplicated %d. In: sent %d, received %d, "
				+ "lost %d, duplicated %d.%n", EVENTS, faults.get(), client.metrics().reconnects(),
				TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt), EVENTS, seqByKey.size(),
				this.fixture.hub().received().size(), lostOut, duplicatedOut, EVENTS, inSeqs.size(), lostIn,
				duplicatedIn);

		assertThat(faults.get()).isGreaterThanOrEqualTo(EVENTS / FAULT_EVERY - 1);
		assertThat(lostOut).isZero();
		assertThat(duplicatedOut).isZero();
		assertThat(outOrder).isSorted().hasSize(EVENTS);
		assertThat(lostIn).isZero();
		assertThat(duplicatedIn).isZero();
		assertThat(inSeqs).isSorted().hasSize(EVENTS);
		assertThat(this.inbound).extracting((message) -> message.payload().get("i").intValue()).isSorted();
	}

	private void pushInbound() {
		for (int i = 1; i <= EVENTS; i++) {
			EventFrame event = this.fixture.hub().store("alice", "soak.in", Map.of("i", i));
			// live when connected; what a fault swallows comes back through resume
			this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(event)));
			pace();
		}
	}

	/**
	 * Both sides send at about 500 events a second, so faults land in the middle of the
	 * flow rather than after it.
	 */
	private static void pace() {
		LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
	}

	/**
	 * One fault each time another {@value #FAULT_EVERY} events reached the hub, in
	 * rotation.
	 */
	private void injectFaults(AtomicBoolean running, AtomicInteger faults) {
		int next = FAULT_EVERY;
		while (running.get()) {
			if ((this.fixture.hub().received().size() + this.inbound.size()) / 2 < next) {
				// a load generator's pace, not a wait for a result
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
				continue;
			}
			next += FAULT_EVERY;
			this.fixture.proxy().heal();
			switch (faults.getAndIncrement() % 5) {
				case 0 -> this.fixture.proxy().cutAll(Cut.RESET);
				case 1 -> this.fixture.proxy().cutAll(Cut.CLOSE);
				case 2 -> {
					// the hub unreachable for a while, as during a restart
					this.fixture.proxy().refuseConnections(Duration.ofSeconds(2));
					this.fixture.proxy().cutAll(Cut.RESET);
				}
				case 3 -> this.fixture.proxy().latency(Duration.ofMillis(50));
				default -> this.fixture.proxy().throttle(64 * 1024);
			}
		}
	}

}

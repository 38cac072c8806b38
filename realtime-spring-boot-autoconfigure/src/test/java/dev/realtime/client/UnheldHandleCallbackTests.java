package dev.realtime.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A callback attached to a send's handle runs although nobody keeps the handle or its
 * future ({@code sendEvent(...).acknowledged().whenComplete(...)}, the usual way to use a
 * {@code CompletableFuture}), however often the garbage collector runs while the events
 * wait for their ack. Default client settings; the hub is the test kit's, as the server
 * is not the point.
 */
class UnheldHandleCallbackTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	@AfterEach
	void stop() {
		this.clients.forEach(DefaultRealtimeClient::close);
	}

	@Test
	void everyCallbackRunsThoughNoSenderKeepsItsHandle() {
		DefaultRealtimeClient client = connect("alice");
		int events = 5_000;
		AtomicInteger acked = new AtomicInteger();
		AtomicInteger failed = new AtomicInteger();
		// the hub holds its acks: every event waits, sent or queued, while the collector
		// runs
		this.fixture.hub().acking(false);
		for (int i = 0; i < events; i++) {
			client.sendEvent("note", Map.of("i", i))
				.acknowledged()
				.whenComplete((ack, failure) -> ((failure != null) ? failed : acked).incrementAndGet());
		}
		AtomicBoolean collecting = new AtomicBoolean(true);
		Thread collector = new Thread(() -> {
			while (collecting.get()) {
				churn();
				System.gc();
			}
		}, "collector");
		collector.start();
		try {
			await().atMost(Duration.ofSeconds(30)).until(() -> !this.fixture.hub().received().isEmpty());
			for (int i = 0; i < 5; i++) {
				System.gc();
			}
			this.fixture.hub().acking(true);
			// an honest ack of what arrived meanwhile, so the in-flight window moves on
			long highest = this.fixture.hub().received().stream().mapToLong(EventFrame::seq).max().orElseThrow();
			this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":" + highest + "}");
			await().atMost(Duration.ofMinutes(2)).until(() -> this.fixture.hub().accepted().size() == events);
			await().atMost(Duration.ofSeconds(30)).until(() -> client.metrics().messagesAcked() == events);
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(() -> assertThat(acked.get() + failed.get()).as("callbacks run").isEqualTo(events));
		}
		finally {
			collecting.set(false);
		}
		assertThat(acked.get()).as("callbacks run").isEqualTo(events);
		assertThat(failed.get()).isZero();
	}

	@Test
	void aHandleAskedForOnlyAfterTheAckComesBackCompleted() throws Exception {
		DefaultRealtimeClient client = connect("bob");
		SendHandle handle = client.sendEvent("note", Map.of("i", 1));
		await().atMost(Duration.ofSeconds(10)).until(() -> client.metrics().messagesAcked() == 1);
		System.gc();
		assertThat(handle.acknowledged()).isCompleted();
		assertThat(handle.acknowledged().get().seq()).isEqualTo(1L);
		assertThat(handle.acknowledged()).isSameAs(handle.acknowledged());
	}

	@Test
	void aCallbackOnAnEventTheHubRejectsRunsThoughNoSenderKeepsItsHandle() {
		DefaultRealtimeClient client = connect("carol");
		this.fixture.hub().acking(false);
		AtomicReference<Throwable> outcome = new AtomicReference<>();
		client.sendEvent("note", Map.of("i", 1))
			.acknowledged()
			.whenComplete((ack, failure) -> outcome.set((failure != null) ? failure : new AssertionError("acked")));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.hub().received().size() == 1);
		for (int i = 0; i < 5; i++) {
			churn();
			System.gc();
		}
		this.fixture.hub().sendRaw("{\"type\":\"error\",\"seq\":1,\"code\":\"invalid_event\",\"message\":\"refused\"}");
		this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":1}");
		await().atMost(Duration.ofSeconds(10)).until(() -> outcome.get() != null);
		assertThat(outcome.get()).isInstanceOfSatisfying(EventRejectedException.class,
				(rejected) -> assertThat(rejected.getCode()).isEqualTo("invalid_event"));
	}

	@Test
	void twoSendsWithThePendingKeyShareOneFuture() throws Exception {
		DefaultRealtimeClient client = connect("dave");
		this.fixture.hub().acking(false);
		SendHandle first = client.sendEvent("note", Map.of("i", 1), SendOptions.defaults().idempotencyKey("k-1"));
		SendHandle second = client.sendEvent("note", Map.of("i", 1), SendOptions.defaults().idempotencyKey("k-1"));
		assertThat(second.acknowledged()).isSameAs(first.acknowledged());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.fixture.hub().received().size() == 1);
		this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":1}");
		assertThat(first.acknowledged().get(10, TimeUnit.SECONDS).seq()).isEqualTo(1L);
		assertThat(this.fixture.hub().accepted()).hasSize(1);
	}

	private DefaultRealtimeClient connect(String user) {
		DefaultRealtimeClient client = TestClients
			.create(ClientSettings.builder(this.fixture.hub().uri(), user).build(), "t");
		this.clients.add(client);
		TestClients.connect(client, Duration.ofSeconds(10));
		return client;
	}

	/** Allocation pressure, so that young collections run between the full ones. */
	private static void churn() {
		List<byte[]> garbage = new ArrayList<>();
		for (int i = 0; i < 64; i++) {
			garbage.add(new byte[64 * 1024]);
		}
		assertThat(garbage).hasSize(64);
	}

}

package dev.realtime.hub;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link HubInbox}: one connection's messages are processed in arrival order,
 * one at a time, on a pool of several threads, and the reading thread waits while the
 * inbox is full.
 */
class HubInboxTests {

	private final ExecutorService pool = Executors.newFixedThreadPool(4);

	@AfterEach
	void stopPool() {
		this.pool.shutdownNow();
	}

	@Test
	void processesInArrivalOrderOneAtATime() throws Exception {
		HubInbox inbox = new HubInbox(null, null, 1 << 20, this.pool);
		List<Integer> processed = new CopyOnWriteArrayList<>();
		AtomicInteger running = new AtomicInteger();
		AtomicInteger overlaps = new AtomicInteger();
		for (int i = 0; i < 2000; i++) {
			int message = i;
			inbox.submit(10, () -> {
				if (running.incrementAndGet() > 1) {
					overlaps.incrementAndGet();
				}
				processed.add(message);
				running.decrementAndGet();
			});
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> processed.size() == 2000);
		assertThat(processed).containsExactlyElementsOf(IntStream.range(0, 2000).boxed().toList());
		assertThat(overlaps.get()).isZero();
	}

	@Test
	void theReaderWaitsWhileTheInboxIsFull() throws Exception {
		HubInbox inbox = new HubInbox(null, null, 100, this.pool);
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		inbox.submit(100, () -> {
			started.countDown();
			awaitQuietly(release);
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		List<String> processed = new CopyOnWriteArrayList<>();
		CompletableFuture<Void> next = CompletableFuture.runAsync(() -> submitQuietly(inbox, processed));
		// the first message holds the whole inbox: the next one cannot be queued yet
		await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(5)).until(() -> !next.isDone());
		release.countDown();
		next.get(10, TimeUnit.SECONDS);
		await().atMost(Duration.ofSeconds(10)).until(() -> processed.contains("next"));
	}

	@Test
	void refusesWorkOnceThePoolStopped() {
		HubInbox inbox = new HubInbox(null, null, 100, this.pool);
		this.pool.shutdownNow();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> inbox.submit(1, () -> {
		}));
	}

	private static void submitQuietly(HubInbox inbox, List<String> processed) {
		try {
			inbox.submit(50, () -> processed.add("next"));
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

package dev.realtime.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link OrderedWriter}.
 */
class OrderedWriterTests {

	private final ExecutorService executor = Executors.newFixedThreadPool(4);

	@AfterEach
	void shutDown() {
		this.executor.shutdownNow();
	}

	@Test
	void writesInTheOrderGivenOnAPoolOfSeveralThreads() throws IOException {
		List<String> written = new CopyOnWriteArrayList<>();
		OrderedWriter writer = new OrderedWriter(this.executor, 1_000_000, written::add, (failure) -> {
		});
		List<String> sent = IntStream.range(0, 5_000).mapToObj(Integer::toString).toList();
		for (String text : sent) {
			writer.send(text);
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == sent.size());
		assertThat(written).containsExactlyElementsOf(sent);
	}

	@Test
	void sendReturnsWhileAWriteIsBlockedAndWhatMayBeDroppedIsOnceTooMuchWaits() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<String> written = new CopyOnWriteArrayList<>();
		OrderedWriter writer = new OrderedWriter(this.executor, 16, OrderedWriter.STALL_TIMEOUT, (text) -> {
			awaitQuietly(release);
			written.add(text);
		}, (failure) -> {
		});
		// the first write blocks on the executor; the caller is not held up
		writer.send("0123456789");
		assertThat(writer.offer("abc")).isTrue();
		assertThat(writer.offer("defghijk")).as("over the bound: dropped").isFalse();
		writer.send("lmnopqrstu");
		assertThat(writer.stall()).isNull();
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 3);
		assertThat(written).containsExactly("0123456789", "abc", "lmnopqrstu");
	}

	@Test
	void aQueueThatDoesNotMoveForTheStallTimeoutFailsOnceAndLaterSendsFail() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		AtomicReference<IOException> reported = new AtomicReference<>();
		// 300 ms instead of the default 10 s keeps this test short;
		// AtMostOnceBackpressureTests proves the default against a hub that stops reading
		OrderedWriter writer = new OrderedWriter(this.executor, 1_000, Duration.ofMillis(300),
				(text) -> awaitQuietly(release), (failure) -> assertThat(reported.getAndSet(failure)).isNull());
		writer.send("first");
		writer.send("second");
		await().atMost(Duration.ofSeconds(10)).until(() -> writer.stall() != null);
		assertThat(writer.stall()).contains("does not read");
		await().atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThatIOException().isThrownBy(() -> writer.offer("third"))
				.withMessageContaining("does not read"));
		assertThat(reported.get()).hasMessageContaining("does not read");
		release.countDown();
		assertThatIOException().isThrownBy(() -> writer.send("fourth")).withMessageContaining("does not read");
	}

	@Test
	void aFailedWriteDropsTheRestReportsOnceAndFailsLaterSends() throws IOException {
		AtomicReference<IOException> reported = new AtomicReference<>();
		List<String> written = new CopyOnWriteArrayList<>();
		CountDownLatch release = new CountDownLatch(1);
		OrderedWriter writer = new OrderedWriter(this.executor, 1_000, (text) -> {
			awaitQuietly(release);
			if (text.equals("broken")) {
				throw new IOException("connection reset");
			}
			written.add(text);
		}, (failure) -> assertThat(reported.getAndSet(failure)).isNull());
		writer.send("first");
		writer.send("broken");
		writer.send("after");
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> reported.get() != null);
		assertThat(reported.get()).hasMessageContaining("connection reset");
		assertThat(written).containsExactly("first");
		assertThatIOException().isThrownBy(() -> writer.send("later")).withMessageContaining("connection reset");
	}

	@Test
	void aShutDownExecutorFailsTheSend() {
		this.executor.shutdown();
		OrderedWriter writer = new OrderedWriter(this.executor, 1_000, (text) -> {
		}, (failure) -> {
		});
		assertThatIOException().isThrownBy(() -> writer.send("x")).withMessageContaining("closed");
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}

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
	void sendReturnsWhileAWriteIsBlockedAndFailsOnceTooMuchWaits() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		List<String> written = new CopyOnWriteArrayList<>();
		OrderedWriter writer = new OrderedWriter(this.executor, 16, (text) -> {
			awaitQuietly(release);
			written.add(text);
		}, (failure) -> {
		});
		// the first write blocks on the executor; the caller is not held up
		writer.send("0123456789");
		writer.send("abc");
		assertThatIOException().isThrownBy(() -> writer.send("defghijk")).withMessageContaining("does not read");
		release.countDown();
		await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 2);
		assertThat(written).containsExactly("0123456789", "abc");
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

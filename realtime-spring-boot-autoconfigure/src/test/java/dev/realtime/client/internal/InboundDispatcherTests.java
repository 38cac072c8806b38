package dev.realtime.client.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.ForwardingInboundStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dispatcher hands on what the sequencer just stored without reading it back, and
 * reads the store whenever it cannot be sure that what was handed on continues what was
 * delivered: at the start, after a failed listener, after a reset or a flush, and after a
 * change of lease. Every event reaches the listeners once, in seq order.
 */
class InboundDispatcherTests {

	private final ClientRuntime runtime = new ClientRuntime(1, 1, 1);

	private final ReadCountingStore store = new ReadCountingStore();

	private final List<Long> seen = new CopyOnWriteArrayList<>();

	private final AtomicBoolean leading = new AtomicBoolean(true);

	private final InboundDispatcher dispatcher = new InboundDispatcher(this.store, 3,
			this.runtime.dispatchStrand("dispatch-test"), () -> {
			}, this.leading::get);

	@AfterEach
	void close() {
		this.runtime.close();
	}

	@Test
	void eventsHandedOnAfterTheFirstCatchUpAreDeliveredWithoutReadingTheStore() {
		this.dispatcher.addListener((message) -> this.seen.add(message.seq()));
		await().until(() -> this.store.reads.get() == 1);
		for (int batch = 0; batch < 100; batch++) {
			store(batch * 10 + 1, batch * 10 + 10);
		}
		await().until(() -> this.seen.size() == 1000);
		assertThat(this.seen).containsExactlyElementsOf(seqs(1, 1000));
		assertThat(this.store.reads).hasValue(1);
		assertThat(this.store.undelivered(10)).isEmpty();
	}

	@Test
	void eventsStoredBeforeAnyListenerAreReadFromTheStoreOnceThenHandedOn() {
		store(1, 5);
		this.dispatcher.addListener((message) -> this.seen.add(message.seq()));
		await().until(() -> this.seen.size() == 5);
		store(6, 8);
		await().until(() -> this.seen.size() == 8);
		assertThat(this.seen).containsExactlyElementsOf(seqs(1, 8));
		assertThat(this.store.reads).hasValue(1);
	}

	@Test
	void aFailedListenerIsRetriedFromTheStoreAndNothingIsDeliveredTwice() {
		AtomicInteger failures = new AtomicInteger();
		this.dispatcher.addListener((message) -> {
			if (message.seq() == 3 && failures.getAndIncrement() == 0) {
				throw new IllegalStateException("listener failed once");
			}
			this.seen.add(message.seq());
		});
		await().until(() -> this.store.reads.get() == 1);
		store(1, 5);
		await().until(() -> this.seen.size() == 5);
		store(6, 7);
		await().until(() -> this.seen.size() == 7);
		assertThat(this.seen).containsExactlyElementsOf(seqs(1, 7));
		assertThat(failures).hasValue(2);
		assertThat(this.store.reads.get()).isGreaterThan(1);
	}

	@Test
	void afterAFlushTheStreamStartsAgainAtSeqOneAndIsDelivered() {
		this.dispatcher.addListener((message) -> this.seen.add(message.seq()));
		store(1, 5);
		await().until(() -> this.seen.size() == 5);
		this.store.clear();
		this.dispatcher.resync();
		store(1, 3);
		await().until(() -> this.seen.size() == 8);
		assertThat(this.seen).containsExactly(1L, 2L, 3L, 4L, 5L, 1L, 2L, 3L);
	}

	@Test
	void afterAResetEventsContinueAfterTheHubsSeq() {
		this.dispatcher.addListener((message) -> this.seen.add(message.seq()));
		store(1, 2);
		await().until(() -> this.seen.size() == 2);
		this.store.reset(100);
		this.dispatcher.resync();
		store(101, 102);
		await().until(() -> this.seen.size() == 4);
		assertThat(this.seen).containsExactly(1L, 2L, 101L, 102L);
	}

	@Test
	void eventsHandedOnWhileAnotherInstanceLeadsAreLeftInTheStoreAndDeliveredOnceTheLeaseIsBack() {
		this.dispatcher.addListener((message) -> this.seen.add(message.seq()));
		store(1, 2);
		await().until(() -> this.seen.size() == 2);
		this.leading.set(false);
		store(3, 4);
		int reads = this.store.reads.get();
		await().until(() -> this.store.lastSeq() == 4);
		assertThat(this.seen).hasSize(2);
		this.leading.set(true);
		this.dispatcher.resync();
		await().until(() -> this.seen.size() == 4);
		assertThat(this.seen).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.store.reads.get()).isGreaterThan(reads);
	}

	/**
	 * Append as the sequencer does on the store's strand: write, then hand on.
	 */
	private void store(long from, long to) {
		List<InboundMessage> messages = new ArrayList<>();
		for (long seq = from; seq <= to; seq++) {
			messages.add(new InboundMessage("alice", seq, "chat.message", JsonNodeFactory.instance.objectNode(),
					Instant.EPOCH, null, null));
		}
		this.store.append(messages);
		this.dispatcher.stored(messages);
	}

	private static List<Long> seqs(long from, long to) {
		return LongStream.rangeClosed(from, to).boxed().toList();
	}

	/**
	 * The in-memory store, counting the reads of undelivered events.
	 */
	private static final class ReadCountingStore extends ForwardingInboundStore {

		private final AtomicInteger reads = new AtomicInteger();

		ReadCountingStore() {
			super(new InMemoryInboundStore());
		}

		@Override
		public List<InboundMessage> undelivered(int max) {
			this.reads.incrementAndGet();
			return super.undelivered(max);
		}

	}

}

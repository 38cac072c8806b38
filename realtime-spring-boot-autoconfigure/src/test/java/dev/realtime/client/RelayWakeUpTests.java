package dev.realtime.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.EnqueueOutcome;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.client.spi.Resequencing;
import dev.realtime.client.spi.SequencedMessage;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events that become claimable other than through {@code sendEvent}, as a dead letter
 * retried through the outbox's API does, are sent as soon as the queue says so, not at
 * the relay's next poll.
 */
class RelayWakeUpTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	@Test
	void relaySendsWhenTheQueueSaysEventsBecameClaimable() {
		HeldBackQueue queue = new HeldBackQueue();
		// a poll interval far beyond the test (the default is 1 s): only the wake-up can
		// send
		ClientSettings settings = TestClients.fastSettings(this.fixture.hub().uri(), "alice")
			.pollInterval(Duration.ofHours(1))
			.build();
		DefaultRealtimeClient client = this.fixture
			.connect(TestClients.create(settings, new StaticTokenProvider("t"), queue, new InMemoryInboundStore()));
		SendHandle handle = client.sendEvent("chat.message", Map.of("text", "held back"));
		queue.revive();
		await().atMost(Duration.ofSeconds(10)).until(() -> handle.acknowledged().isDone());
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::idempotencyKey)
			.containsExactly(handle.idempotencyKey());
	}

	/**
	 * An in-memory queue that keeps quiet about new events until {@link #revive()}, like
	 * a dead letter made pending again by another component.
	 */
	static final class HeldBackQueue implements OutboundQueue {

		private final InMemoryOutboundQueue delegate = new InMemoryOutboundQueue(100);

		private volatile Runnable claimable = () -> {
		};

		@Override
		public void onClaimable(Runnable listener) {
			this.claimable = listener;
		}

		void revive() {
			this.claimable.run();
		}

		@Override
		public boolean enqueue(OutboundMessage message, boolean durable, EnqueueOutcome outcome) {
			return this.delegate.enqueue(message, durable, new EnqueueOutcome() {

				@Override
				public void claimable() {
					// held back until revived
				}

				@Override
				public void discarded() {
					outcome.discarded();
				}

			});
		}

		@Override
		public String clientId() {
			return this.delegate.clientId();
		}

		@Override
		public List<SequencedMessage> claim(int max) {
			return this.delegate.claim(max);
		}

		@Override
		public long acknowledge(long ackSeq) {
			return this.delegate.acknowledge(ackSeq);
		}

		@Override
		public boolean deadLetter(long seq, String code, String message) {
			return this.delegate.deadLetter(seq, code, message);
		}

		@Override
		public @Nullable Resequencing resequenceAbove(long ackSeq) {
			return this.delegate.resequenceAbove(ackSeq);
		}

		@Override
		public void releaseClaims() {
			this.delegate.releaseClaims();
		}

		@Override
		public long highestSeq() {
			return this.delegate.highestSeq();
		}

		@Override
		public long pendingCount() {
			return this.delegate.pendingCount();
		}

		@Override
		public long deadLetterCount() {
			return this.delegate.deadLetterCount();
		}

		@Override
		public void clear() {
			this.delegate.clear();
		}

	}

}

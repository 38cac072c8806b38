package dev.realtime.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestHub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An inbound store that fails for a while (a database outage) while the connection is up:
 * the connection and its heartbeats stay up, nothing is acked that was not stored, and
 * once the store works again the client resumes from what it stored, with nothing lost or
 * doubled.
 */
class InboundStoreFailureTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TestHub hub;

	private DefaultRealtimeClient client;

	private final FailingStore store = new FailingStore();

	private final List<InboundMessage> delivered = new CopyOnWriteArrayList<>();

	@BeforeEach
	void start() {
		this.hub = this.fixture.hub();
		// pings every 200 ms, so the test sees heartbeats go on through the outage within
		// seconds;
		// the timeout stays at its default
		ClientSettings settings = TestClients.fastSettings(this.hub.uri(), "alice")
			.heartbeat(Duration.ofMillis(200), Duration.ofSeconds(10))
			.build();
		this.client = TestClients.create(settings, new StaticTokenProvider("t"), new InMemoryOutboundQueue(1000),
				this.store);
		this.client.onMessage(this.delivered::add);
		this.fixture.connect(this.client);
	}

	private void push(int from, int to) {
		for (int i = from; i < to; i++) {
			EventFrame event = this.hub.store("alice", "order.status", Map.of("i", i));
			this.hub.sendRaw(this.hub.encode(List.of(event)));
		}
	}

	@Test
	void connectionAndHeartbeatsStayUpAndEverythingArrivesOnceAfterTheStoreRecovers() {
		push(0, 3);
		await().until(() -> this.delivered.size() == 3);

		this.store.failing = true;
		push(3, 8);
		int pingsAtOutage = this.hub.pings();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.hub.pings() >= pingsAtOutage + 5);
		assertThat(this.client.connectionState()).isEqualTo(ConnectionState.CONNECTED);
		assertThat(this.hub.handshakes()).as("never reconnected").isEqualTo(1);
		assertThat(this.store.lastSeq).as("nothing stored during the outage").isEqualTo(3);

		this.store.failing = false;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.delivered.size() == 8);
		assertThat(this.delivered).extracting(InboundMessage::seq)
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 8).mapToObj(Long::valueOf).toList());
		push(8, 10);
		await().until(() -> this.delivered.size() == 10);
		assertThat(this.hub.handshakes()).isEqualTo(1);
	}

	@Test
	void aReconnectWhileTheStoreCannotBeReadResumesFromTheStoredCursorOnceItCan() {
		push(0, 3);
		await().until(() -> this.delivered.size() == 3);
		this.store.failing = true;
		int handshakes = this.hub.handshakes();
		this.hub.closeAll(1001, "restarting");
		push(3, 6);
		// the cursor is read while the transport connects: an unreadable store closes
		// each connection that opened before its resume, and the client tries again
		await().atMost(Duration.ofSeconds(10)).until(() -> this.hub.handshakes() >= handshakes + 2);
		assertThat(this.client.connectionState()).isNotEqualTo(ConnectionState.CONNECTED);
		this.store.failing = false;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.delivered.size() == 6);
		assertThat(this.delivered).extracting(InboundMessage::seq)
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 6).mapToObj(Long::valueOf).toList());
	}

	/**
	 * An in-memory store whose writes and reads fail while told to, as a database that is
	 * down.
	 */
	static final class FailingStore implements InboundStore {

		private final InMemoryInboundStore store = new InMemoryInboundStore();

		volatile boolean failing;

		volatile long lastSeq;

		@Override
		public long lastSeq() {
			check();
			return this.store.lastSeq();
		}

		@Override
		public void append(List<InboundMessage> messages) {
			check();
			this.store.append(messages);
			this.lastSeq = this.store.lastSeq();
		}

		@Override
		public List<InboundMessage> undelivered(int max) {
			return this.store.undelivered(max);
		}

		@Override
		public void delivered(long seq) {
			this.store.delivered(seq);
		}

		@Override
		public boolean failed(long seq, String error, int maxAttempts) {
			return this.store.failed(seq, error, maxAttempts);
		}

		@Override
		public long failedCount() {
			return this.store.failedCount();
		}

		@Override
		public void reset(long lastSeq) {
			this.store.reset(lastSeq);
		}

		@Override
		public void clear() {
			this.store.clear();
		}

		private void check() {
			if (this.failing) {
				throw new IllegalStateException("database unreachable");
			}
		}

	}

}

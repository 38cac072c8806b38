package dev.realtime.demo.delivery;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.internal.ClientRuntime;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.TestDatabases;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many users connected from one JVM to the reference hub ({@link HubProcess}, a child JVM
 * on PostgreSQL, so that its sessions are not counted here), as an application serving
 * many identities runs them: one client per user, all on one {@link ClientRuntime} and
 * one WebSocket transport, with in-memory stores. Each user sends events that the hub
 * puts in the user's own stream and receives them back; every event arrives once and in
 * order. The JVM's threads and heap are measured with one connected user and with all of
 * them, idle after a full GC, and printed:
 * <ul>
 * <li>threads: at most 50 more with all users than with one (with a thread per client
 * they grew by four per user);</li>
 * <li>heap per idle connected user: under 100 KB (with the container's text buffer at the
 * 1 MiB frame limit it was over 2 MB).</li>
 * </ul>
 * 1,000 users by default; {@code -Drealtime.footprint.users=5000} runs a larger variant.
 * The hub accepts frames of up to 64 KB here: its own container allocates its buffers per
 * session, and at the default 1 MiB a thousand sessions would not fit its heap.
 */
class ManyUsersFootprintIntegrationTests {

	private static final int USERS = Integer.getInteger("realtime.footprint.users", 1000);

	private static final int EVENTS = 3;

	/**
	 * Users connecting at once, so that handshakes do not time out on a 2-core machine.
	 */
	private static final int WAVE = 100;

	private static final long MAX_EXTRA_THREADS = 50;

	private static final long MAX_BYTES_PER_USER = 100 * 1024;

	private final TestDatabases.Isolated hubDatabase = TestDatabases.postgres().createIsolated("footprint_hub");

	private final ClientRuntime runtime = ClientRuntime.create();

	/**
	 * Writes and closes sessions; bounded at the auto-configuration's 16 threads, all
	 * counted.
	 */
	private final ExecutorService io = Executors.newFixedThreadPool(16);

	private final List<DefaultRealtimeClient> clients = new ArrayList<>();

	private final Map<String, List<InboundMessage>> received = new ConcurrentHashMap<>();

	private HubProcess hub;

	@AfterEach
	void stop() throws InterruptedException {
		this.clients.forEach(DefaultRealtimeClient::close);
		this.runtime.close();
		this.io.shutdownNow();
		if (this.hub != null) {
			this.hub.close();
		}
		this.hubDatabase.close();
	}

	@Test
	void manyUsersSendAndReceiveOnTheThreadsOfOneAndCostLittleHeapEach() throws Exception {
		List<String> users = IntStream.range(0, USERS).mapToObj((i) -> String.format("fp-%05d", i)).toList();
		this.hub = HubProcess.start(this.hubDatabase, "footprint-hub", users,
				List.of("realtime.hub.max-frame-size=64KB"));
		URI uri = URI.create("ws://127.0.0.1:" + this.hub.port() + "/realtime");
		Transport transport = new WebSocketTransport(1 << 20, Duration.ofSeconds(10), this.io);
		FrameCodec codec = new FrameCodec();

		connect(uri, transport, codec, users.subList(0, 1));
		exchange(users.subList(0, 1));
		Footprint one = Footprint.measure();

		for (int from = 1; from < USERS; from += WAVE) {
			connect(uri, transport, codec, users.subList(from, Math.min(USERS, from + WAVE)));
		}
		exchange(users.subList(1, USERS));
		Footprint all = Footprint.measure();

		long extraThreads = all.threads() - one.threads();
		long bytesPerUser = (all.heapBytes() - one.heapBytes()) / (USERS - 1);
		System.out.printf(
				"Footprint of %d connected users (each sent and received %d events): threads %d with one user, "
						+ "%d with all (+%d); heap after GC %.1f MB with one user, %.1f MB with all: %.1f KB per "
						+ "idle connected user%n",
				USERS, EVENTS, one.threads(), all.threads(), extraThreads, one.heapBytes() / 1e6, all.heapBytes() / 1e6,
				bytesPerUser / 1024.0);
		assertThat(extraThreads).as("threads added by %d more users", USERS - 1).isLessThanOrEqualTo(MAX_EXTRA_THREADS);
		assertThat(bytesPerUser).as("heap per idle connected user").isLessThan(MAX_BYTES_PER_USER);
		assertThat(this.clients).allSatisfy((client) -> assertThat(client.connectionState()).as(client.userId())
			.isEqualTo(ConnectionState.CONNECTED));
	}

	private void connect(URI uri, Transport transport, FrameCodec codec, List<String> users) {
		List<DefaultRealtimeClient> wave = new ArrayList<>();
		for (String user : users) {
			List<InboundMessage> messages = new CopyOnWriteArrayList<>();
			this.received.put(user, messages);
			DefaultRealtimeClient client = new DefaultRealtimeClient(ClientSettings.builder(uri, user).build(),
					transport, new StaticTokenProvider(user), new InMemoryOutboundQueue(1000),
					new InMemoryInboundStore(), codec, Clock.systemUTC(), this.runtime);
			client.onMessage(messages::add);
			this.clients.add(client);
			wave.add(client);
			client.connect();
		}
		await("a wave of " + users.size() + " users connected").atMost(Duration.ofSeconds(120))
			.until(() -> wave.stream().allMatch((client) -> client.connectionState() == ConnectionState.CONNECTED));
	}

	/**
	 * Each user sends its events; the hub acks them and puts them in the user's own
	 * stream, which the user receives: each once, in order.
	 */
	private void exchange(List<String> users) throws Exception {
		List<DefaultRealtimeClient> senders = this.clients.stream()
			.filter((client) -> users.contains(client.userId()))
			.toList();
		List<SendHandle> handles = new ArrayList<>();
		for (int i = 1; i <= EVENTS; i++) {
			for (DefaultRealtimeClient client : senders) {
				handles.add(client.sendEvent("footprint.note", Map.of("user", client.userId(), "i", i)));
			}
		}
		for (SendHandle handle : handles) {
			handle.acknowledged().get(120, TimeUnit.SECONDS);
		}
		await("every user received its events").atMost(Duration.ofSeconds(120))
			.until(() -> users.stream().allMatch((user) -> this.received.get(user).size() >= EVENTS));
		for (String user : users) {
			List<InboundMessage> messages = this.received.get(user);
			assertThat(messages).as(user).hasSize(EVENTS);
			assertThat(messages).extracting(InboundMessage::seq).as(user).containsExactly(1L, 2L, 3L);
			assertThat(messages).extracting((message) -> message.payload().get("i").asInt())
				.as(user)
				.containsExactly(1, 2, 3);
			assertThat(messages).extracting((message) -> message.payload().get("user").asString())
				.as(user)
				.containsOnly(user);
		}
	}

	/**
	 * The JVM's live threads and the heap in use after a full GC.
	 */
	private record Footprint(long threads, long heapBytes) {

		static Footprint measure() {
			MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
			long heap = Long.MAX_VALUE;
			// the least of a few collections: what garbage a pool thread made meanwhile
			// does not count
			for (int i = 0; i < 3; i++) {
				memory.gc();
				heap = Math.min(heap, memory.getHeapMemoryUsage().getUsed());
			}
			return new Footprint(ManagementFactory.getThreadMXBean().getThreadCount(), heap);
		}

	}

}

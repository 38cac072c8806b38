package dev.realtime.demo.delivery;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.test.TestDatabases;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A thousand users connected from one application (the starter with its PostgreSQL outbox
 * and inbox) to the reference hub in a child JVM: each sends events that come back in its
 * own stream, every one once and in order per user; the JVM's thread count grows by no
 * more than 50 over the same application with one user, and the heap an idle connected
 * user costs is reported (target under 100 KB).
 * <p>
 * {@code -Drealtime.test.users=N} runs it with another number of users.
 */
class ThousandUsersIntegrationTests {

	private static final int USERS = Integer.getInteger("realtime.test.users", 1000);

	private static final int EVENTS = 3;

	private static final Duration WAIT = Duration.ofMinutes(5);

	private final TestDatabases.Isolated hubDatabase = TestDatabases.postgres().createIsolated("many_hub");

	private final TestDatabases.Isolated clientDatabase = TestDatabases.postgres().createIsolated("many_client");

	private HubProcess hub;

	private ConfigurableApplicationContext application;

	@AfterEach
	void stop() throws Exception {
		if (this.application != null) {
			this.application.close();
		}
		if (this.hub != null) {
			this.hub.close();
		}
		this.clientDatabase.close();
		this.hubDatabase.close();
	}

	@Test
	void aThousandUsersCostFewThreadsAndLittleHeap() throws Exception {
		List<String> users = IntStream.range(0, USERS).mapToObj((i) -> String.format("user%04d", i)).toList();
		// the reference hub buffers a whole frame per session (about 3 MB at its default
		// 1 MiB limit): smaller frames let a thousand sessions fit its heap
		this.hub = HubProcess.start(this.hubDatabase, "many-users-hub", users,
				List.of("realtime.hub.max-frame-size=64KB"));
		this.application = ClientOnlyApplication.start(this.hub.port(), users.get(0), users.get(0), this.clientDatabase,
				List.of(UserTokens.class, Received.class));
		RealtimeClients clients = this.application.getBean(RealtimeClients.class);
		Received received = this.application.getBean(Received.class);
		ThreadMXBean threads = ManagementFactory.getThreadMXBean();
		MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

		// the same application with one user: its own client and one connected at runtime
		List<RealtimeClient> connected = new ArrayList<>();
		connected.add(clients.connectUser(UserProfile.of(users.get(1))));
		await().atMost(WAIT).until(() -> clients.connectedUsers().size() == 2);
		sendAndAwait(connected, received);
		long baseThreads = threads.getThreadCount();
		long baseHeap = heapAfterGc(memory);

		for (String user : users.subList(2, USERS)) {
			connected.add(clients.connectUser(UserProfile.of(user)));
		}
		await().atMost(WAIT).until(() -> clients.connectedUsers().size() == USERS);
		sendAndAwait(connected, received);
		long idleThreads = threads.getThreadCount();
		long idleHeap = heapAfterGc(memory);
		long heapPerUser = (idleHeap - baseHeap) / (USERS - 2);
		System.out.printf(
				"%d users: %d threads with one user, %d with all (%+d); heap %d KB with one user, "
						+ "%d KB with all: %d bytes per idle connected user%n",
				USERS, baseThreads, idleThreads, idleThreads - baseThreads, baseHeap / 1024, idleHeap / 1024,
				heapPerUser);

		for (RealtimeClient client : connected) {
			assertThat(received.of(client.userId())).as(client.userId())
				.isEqualTo(IntStream.rangeClosed(1, received.sent(client)).boxed().toList());
		}
		assertThat(idleThreads - baseThreads).as("threads added by " + (USERS - 2) + " users").isLessThanOrEqualTo(50);
		assertThat(heapPerUser).as("heap per idle connected user").isLessThan(100 * 1024);
	}

	/**
	 * Each user sends more events, which come back in its own stream; wait until every
	 * user received all it sent.
	 */
	private static void sendAndAwait(List<RealtimeClient> clients, Received received) {
		for (int i = 0; i < EVENTS; i++) {
			for (RealtimeClient client : clients) {
				received.send(client);
			}
		}
		await().atMost(WAIT)
			.until(() -> clients.stream()
				.allMatch((client) -> received.of(client.userId()).size() == received.sent(client)));
	}

	private static long heapAfterGc(MemoryMXBean memory) {
		for (int i = 0; i < 3; i++) {
			memory.gc();
		}
		return memory.getHeapMemoryUsage().getUsed();
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTokens {

		/**
		 * Each user's static token at the test hub is its own name.
		 * @return the provider
		 */
		@Bean
		UserTokenProvider userTokens() {
			return (userId) -> userId;
		}

	}

	static class Received {

		private final Map<String, List<Integer>> received = new ConcurrentHashMap<>();

		private final Map<String, Integer> sent = new ConcurrentHashMap<>();

		void send(RealtimeClient client) {
			int n = this.sent.merge(client.userId(), 1, Integer::sum);
			// no room: the hub appends it to the sender's own stream
			client.sendEvent("load.item", Map.of("n", n));
		}

		int sent(RealtimeClient client) {
			return this.sent.getOrDefault(client.userId(), 0);
		}

		@RealtimeListener("load.item")
		void onItem(InboundMessage message, RealtimeClient client) {
			of(client.userId()).add(message.payload().path("n").intValue());
		}

		List<Integer> of(String user) {
			return this.received.computeIfAbsent(user, (key) -> new CopyOnWriteArrayList<>());
		}

	}

}

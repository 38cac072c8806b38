package dev.realtime.cluster;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.UserProfile;
import dev.realtime.users.RealtimeClients;

import static org.awaitility.Awaitility.await;

/**
 * The child JVM of {@link HubClusterIntegrationTests}: one Spring Boot application with
 * the starter that connects every user of the run through {@link RealtimeClients} to the
 * balancer's address; it obeys commands on its standard input, one a line:
 * <ul>
 * <li>{@code connect}: connect every user, each joining its room (the JVM starts while
 * the hub nodes start, and connects once they are up);</li>
 * <li>{@code send COUNT PER_SECOND}: the next COUNT events, round-robin over the users,
 * each to its user's room with the sender's next number {@code n};</li>
 * <li>{@code verify SECONDS}: wait up to that long for every event to be acked and
 * delivered to every member of its room, then report;</li>
 * <li>{@code quit}.</li>
 * </ul>
 * It answers with lines starting with {@value #MARK} on its standard output, which the
 * test reads from the log file the output goes to. Its outbox and inbox are in memory (no
 * DataSource): this JVM is never killed, the hub nodes are.
 */
public final class ClusterClients {

	static final String MARK = "CLUSTER ";

	static final String EVENT = "cluster.message";

	private static final String HELLO = "cluster.hello";

	private final RealtimeClients clients;

	private final MeterRegistry meters;

	private final List<RealtimeClient> users = new ArrayList<>();

	private final Map<String, String> roomOf = new LinkedHashMap<>();

	/** Per sender, how many events it sent. */
	private final Map<String, Integer> sent = new ConcurrentHashMap<>();

	/** Per receiver, per sender, the numbers received in order, duplicates included. */
	private final Map<String, Map<String, List<Integer>>> received = new ConcurrentHashMap<>();

	private final List<CompletableFuture<?>> acks = new CopyOnWriteArrayList<>();

	private final List<String> rejected = new CopyOnWriteArrayList<>();

	private final AtomicLong deliveries = new AtomicLong();

	private long total;

	private ClusterClients(RealtimeClients clients, MeterRegistry meters) {
		this.clients = clients;
		this.meters = meters;
	}

	public static void main(String[] args) throws Exception {
		int userCount = Integer.parseInt(args[0]);
		int roomCount = Integer.parseInt(args[1]);
		String[] properties = Arrays.copyOfRange(args, 2, args.length);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(Application.class)
			.web(WebApplicationType.NONE)
			.run(properties)) {
			ClusterClients run = new ClusterClients(context.getBean(RealtimeClients.class),
					context.getBean(MeterRegistry.class));
			say("STARTED");
			BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
			for (String line = commands.readLine(); line != null && !line.equals("quit"); line = commands.readLine()) {
				String[] command = line.trim().split(" ");
				if (command[0].equals("connect")) {
					run.connect(userCount, roomCount);
				}
				else if (command[0].equals("send")) {
					run.send(Integer.parseInt(command[1]), Integer.parseInt(command[2]));
				}
				else if (command[0].equals("verify")) {
					run.verify(Duration.ofSeconds(Long.parseLong(command[1])));
				}
			}
		}
		System.exit(0);
	}

	private void connect(int userCount, int roomCount) {
		for (int i = 0; i < userCount; i++) {
			String user = userId(i);
			this.roomOf.put(user, "room-" + (i % roomCount));
			RealtimeClient client = this.clients.connectUser(UserProfile.of(user));
			client.onMessage(this::onMessage);
			this.users.add(client);
		}
		await().atMost(Duration.ofMinutes(2)).until(() -> this.clients.connectedUsers().size() == userCount);
		// joining by sending to the room: once acked, the membership is committed, so
		// every member is in its room before the first counted event
		List<CompletableFuture<?>> hellos = new ArrayList<>();
		for (RealtimeClient client : this.users) {
			hellos.add(client.sendEvent(HELLO, Map.of("room", this.roomOf.get(client.userId()))).acknowledged());
		}
		CompletableFuture.allOf(hellos.toArray(CompletableFuture[]::new)).orTimeout(2, TimeUnit.MINUTES).join();
		say("READY " + userCount + " users in " + roomCount + " rooms");
	}

	private void onMessage(InboundMessage message) {
		if (!EVENT.equals(message.event())) {
			return;
		}
		this.deliveries.incrementAndGet();
		String from = message.payload().path("from").asString();
		this.received.computeIfAbsent(message.userId(), (key) -> new ConcurrentHashMap<>())
			.computeIfAbsent(from, (key) -> Collections.synchronizedList(new ArrayList<>()))
			.add(message.payload().path("n").asInt());
	}

	private void send(int count, int perSecond) {
		long start = System.nanoTime();
		for (int i = 0; i < count; i++) {
			RealtimeClient client = this.users.get((int) (this.total % this.users.size()));
			String user = client.userId();
			int n = this.sent.merge(user, 1, Integer::sum);
			SendHandle handle = client.sendEvent(EVENT, Map.of("room", this.roomOf.get(user), "from", user, "n", n));
			this.acks.add(handle.acknowledged().whenComplete((ack, failure) -> {
				if (failure != null) {
					this.rejected.add(user + " #" + n + ": " + failure);
				}
			}));
			this.total++;
			if (this.total % 100 == 0) {
				say("SENT " + this.total);
			}
			// paced, so that the test's faults fall in the middle of the stream
			LockSupport.parkNanos(start + (i + 1) * 1_000_000_000L / perSecond - System.nanoTime());
		}
		say("BATCH-DONE " + this.total);
	}

	private void verify(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		Map<String, Integer> expected = expectedPerReceiver();
		while (System.nanoTime() < deadline && !(allAcked() && allDelivered(expected))) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
		}
		List<String> problems = new ArrayList<>();
		long missing = 0;
		long duplicates = 0;
		for (RealtimeClient receiver : this.users) {
			String room = this.roomOf.get(receiver.userId());
			for (Map.Entry<String, Integer> sender : this.sent.entrySet()) {
				if (!room.equals(this.roomOf.get(sender.getKey()))) {
					continue;
				}
				List<Integer> got = this.received.getOrDefault(receiver.userId(), Map.of())
					.getOrDefault(sender.getKey(), List.of());
				long distinct = got.stream().distinct().count();
				duplicates += got.size() - distinct;
				missing += sender.getValue() - distinct;
				if (!got.equals(oneTo(sender.getValue())) && problems.size() < 20) {
					problems.add(receiver.userId() + " from " + sender.getKey() + ": expected 1.." + sender.getValue()
							+ " in order, got " + summary(got));
				}
			}
		}
		Map<String, Object> report = new LinkedHashMap<>();
		report.put("sent", this.total);
		report.put("acked",
				this.acks.stream().filter((ack) -> ack.isDone() && !ack.isCompletedExceptionally()).count());
		report.put("rejected", this.rejected.size());
		report.put("firstRejections", this.rejected.stream().limit(5).toList());
		// before the hub's deduplication: every write of an event to a connection
		report.put("writtenResendsIncluded", count("realtime.messages.sent"));
		report.put("inboundDuplicatesDropped", count("realtime.messages.duplicates"));
		report.put("expectedDeliveries", expected.values().stream().mapToLong(Integer::longValue).sum());
		report.put("deliveries", this.deliveries.get());
		report.put("missing", missing);
		report.put("duplicates", duplicates);
		report.put("pending", this.users.stream().mapToLong(RealtimeClient::pendingCount).sum());
		report.put("notConnected", notConnected());
		report.put("problems", problems);
		say("VERIFIED " + JsonMapper.builder().build().writeValueAsString(report));
	}

	/**
	 * Sum a counter of the users' clients over their user tags.
	 */
	private long count(String name) {
		return (long) this.meters.find(name).counters().stream().mapToDouble(Counter::count).sum();
	}

	private List<String> notConnected() {
		Set<String> connected = this.clients.connectedUsers();
		return this.users.stream().map(RealtimeClient::userId).filter((user) -> !connected.contains(user)).toList();
	}

	private Map<String, Integer> expectedPerReceiver() {
		Map<String, Integer> perRoom = new ConcurrentHashMap<>();
		this.sent.forEach((sender, count) -> perRoom.merge(this.roomOf.get(sender), count, Integer::sum));
		Map<String, Integer> expected = new LinkedHashMap<>();
		this.roomOf.forEach((user, room) -> expected.put(user, perRoom.getOrDefault(room, 0)));
		return expected;
	}

	private boolean allAcked() {
		return this.acks.stream().allMatch(CompletableFuture::isDone);
	}

	private boolean allDelivered(Map<String, Integer> expected) {
		return expected.entrySet()
			.stream()
			.allMatch((entry) -> this.received.getOrDefault(entry.getKey(), Map.of())
				.values()
				.stream()
				.mapToInt(List::size)
				.sum() >= entry.getValue());
	}

	private static List<Integer> oneTo(int last) {
		List<Integer> numbers = new ArrayList<>(last);
		for (int i = 1; i <= last; i++) {
			numbers.add(i);
		}
		return numbers;
	}

	private static String summary(List<Integer> numbers) {
		return numbers.size() + " numbers "
				+ ((numbers.size() > 60)
						? numbers.subList(0, 30) + " ... " + numbers.subList(numbers.size() - 30, numbers.size())
						: numbers.toString());
	}

	static String userId(int index) {
		return String.format(Locale.ROOT, "user-%03d", index);
	}

	private static void say(String line) {
		System.out.println(MARK + line);
		System.out.flush();
	}

	/**
	 * The application: the starter's auto-configuration, and each user's static
	 * development token as the hub nodes were given it.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

		/**
		 * Each user's meters, tagged with the user (the run raises the tagged users'
		 * limit).
		 */
		@Bean
		SimpleMeterRegistry meterRegistry() {
			return new SimpleMeterRegistry();
		}

		@Bean
		UserTokenProvider userTokens() {
			return HubClusterIntegrationTests::tokenOf;
		}

	}

}

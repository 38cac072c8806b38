package dev.realtime.demo.delivery;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.client.RealtimeClient;
import dev.realtime.demo.ChildJvm;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.FaultProxy.Cut;
import dev.realtime.test.FaultProxy.Direction;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path under load, network faults and crashes, with the client at its default
 * timings. A user's service ({@link DeliveryService} in a child JVM, durable outbox and
 * inbox on PostgreSQL) sends numbered events to the reference hub ({@link HubProcess}: a
 * child JVM, its store on PostgreSQL) through a {@link FaultProxy}; another user's client
 * publishes as many numbered events to a room, which the hub fans out to the service's
 * user. The proxy injects a fault each time another {@value #FAULT_EVERY} events crossed
 * the network, as the hub counts them (about every 100 of each flow): a reset, an orderly
 * close, new connections refused for a while, latency, a throttled link, or a half-open
 * connection. The hub is restarted twice, once gracefully and once after SIGKILL, and the
 * service once, after SIGKILL. Counted at the hub (its tables, which keep what it
 * accepted from a client and what it stored for a user) and at the service's listener (a
 * row written in the inbox transaction, so a restarted process keeps counting): nothing
 * lost, nothing duplicated, order kept in each direction. The counts, faults and wall
 * time are printed (to
 * {@code target/failsafe-reports/dev.realtime.demo.delivery.SoakIntegrationTests-output.txt}
 * under Maven).
 * <p>
 * CI runs {@value #CI_EVENTS} events each way (two to three minutes); a larger run, not
 * in CI: {@code ./mvnw -pl demo-app -am verify -Dit.test=SoakIntegrationTests
 * -Dfailsafe.failIfNoSpecifiedTests=false -Drealtime.soak.events=20000}.
 */
class SoakIntegrationTests {

	private static final int CI_EVENTS = 2000;

	/** The room the publisher writes to and the service joins. */
	private static final String ROOM = "soak";

	private static final int EVENTS = Integer.getInteger("realtime.soak.events", CI_EVENTS);

	/**
	 * Events a second each side offers: spread over about 80 s, so that the faults and
	 * restarts land in the middle of the flow.
	 */
	private static final int RATE = Math.max(10, EVENTS / 80);

	/**
	 * Events moved over the network between two faults: those the hub accepted from the
	 * service and those the service acked to the hub (published and echoed), counted
	 * together.
	 */
	private static final int FAULT_EVERY = 300;

	/**
	 * How long the proxy keeps a connection half-open: shorter than the default heartbeat
	 * timeout (10 s), so the connection survives it and whatever was held is delivered
	 * late. Detecting a half-open connection at the default heartbeat (25 s + 10 s) is
	 * proven by HalfOpenConnectionTests with
	 * {@code -Drealtime.test.default-heartbeat=true}.
	 */
	private static final Duration HALF_OPEN_FOR = Duration.ofSeconds(5);

	/**
	 * Generous for a loaded 2-core machine: three restarts, each up to a lease and a
	 * backoff, and at least 20 events a second each way.
	 */
	private static final Duration TIMEOUT = Duration.ofMinutes(6).plusSeconds(EVENTS / 20);

	private static final String SERVICE = "soak-service";

	private static final String PUBLISHER = "soak-publisher";

	private static final String INSTANCE = "soak";

	private static final String PUBLISHED = "soak.published";

	private final TestDatabases.Isolated hubDatabase = TestDatabases.postgres().createIsolated("soak_hub");

	private final TestDatabases.Isolated publisherDatabase = TestDatabases.postgres().createIsolated("soak_publisher");

	private final ScheduledExecutorService faultTimer = Executors.newSingleThreadScheduledExecutor();

	private final AtomicInteger published = new AtomicInteger();

	private final AtomicReference<Throwable> publisherFailure = new AtomicReference<>();

	private final Map<Fault, Integer> faults = new EnumMap<>(Fault.class);

	private ServiceDatabase serviceDatabase;

	private HubProcess hub;

	private FaultProxy proxy;

	private ChildJvm service;

	private int serviceStarts;

	private ConfigurableApplicationContext publisher;

	private Thread publishing;

	@BeforeEach
	void createServiceDatabase() throws SQLException {
		this.serviceDatabase = ServiceDatabase.create(TestDatabases.Kind.POSTGRESQL);
	}

	@AfterEach
	void stopEverything() throws Exception {
		if (this.publishing != null) {
			this.publishing.interrupt();
			this.publishing.join(TimeUnit.SECONDS.toMillis(30));
		}
		if (this.publisher != null) {
			this.publisher.close();
		}
		if (this.service != null) {
			this.service.close();
		}
		if (this.hub != null) {
			this.hub.close();
		}
		if (this.proxy != null) {
			this.proxy.close();
		}
		this.faultTimer.shutdownNow();
		this.serviceDatabase.close();
		this.publisherDatabase.close();
		this.hubDatabase.close();
	}

	@Test
	void nothingLostDuplicatedOrReorderedAcrossFaultsAndRestarts() throws Exception {
		long startedAt = System.nanoTime();
		this.hub = HubProcess.start(this.hubDatabase, "soak-hub", List.of(SERVICE, PUBLISHER),
				List.of("realtime.hub.rooms.open=" + ROOM));
		this.proxy = FaultProxy.start("127.0.0.1", this.hub.port());
		this.service = startService();
		// the publisher is the test's load source, not the client under test: it goes to
		// the hub
		// directly, with ClientOnlyApplication's short reconnect delay
		this.publisher = ClientOnlyApplication.start(this.hub.port(), PUBLISHER, PUBLISHER, this.publisherDatabase,
				List.of());
		// the hub fans a room's events out to its members (stored, so a hub restart keeps
		// them): the service joins at every connect
		await("the service's user a member of the room at the hub (log " + this.service.log() + ")")
			.atMost(Duration.ofSeconds(180))
			.until(() -> this.hub.queryLong("select count(*) from hub_room_member where room = ? and user_id = ?", ROOM,
					SERVICE) == 1);
		this.publishing = new Thread(this::publish, "soak-publisher");
		this.publishing.start();

		Director director = new Director();
		await("every event in both directions at the hub and at the service's listener").atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(200))
			.untilAsserted(() -> {
				Progress progress = progress();
				boolean restarted = director.act(progress);
				assertThat(!restarted && director.restartsDone() && progress.complete()).as(director.restartsDone()
						? progress.describe() : "restarts still to come; " + progress.describe())
					.isTrue();
			});
		this.proxy.heal();

		int sent = this.serviceDatabase.lastSent(INSTANCE).get(0);
		Flow out = new Flow(sent,
				this.hub.queryLongs(
						"select (m.payload::json->>'i')::bigint from hub_accepted_event a "
								+ "join hub_message m on m.id = a.message_id where a.user_id = ? order by a.seq",
						SERVICE));
		Flow publishedAtHub = new Flow(this.published.get(), this.hub.queryLongs(
				"select (m.payload::json->>'i')::bigint from hub_stream_event s join hub_message m on m.id = s.message_id "
						+ "where s.user_id = ? and m.event_name = ? order by s.seq",
				SERVICE, PUBLISHED));
		Flow publishedAtListener = new Flow(this.published.get(), items(PUBLISHED));
		Flow echoedAtListener = new Flow(sent, items(DeliveryService.ITEM));
		long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt);
		System.out.printf(
				"Soak of the demo app, %d events each way, client service at default timings: %d s wall time%n"
						+ "  out  (service -> hub)       sent %d; accepted by the hub %s%n"
						+ "  in   (publisher -> service) sent %d; stored for the service's user at the hub %s; "
						+ "at the service's listener %s%n"
						+ "  echo (service -> hub -> service's own stream) at the service's listener %s%n"
						+ "  faults injected: %d (%s); proxy: %d connections forwarded, %d refused%n"
						+ "  restarts: hub 2 (1 graceful, 1 SIGKILL), client service 1 (SIGKILL): %s%n",
				EVENTS, seconds, out.sent(), out, publishedAtHub.sent(), publishedAtHub, publishedAtListener,
				echoedAtListener, director.faultCount(),
				this.faults.entrySet()
					.stream()
					.map((entry) -> entry.getKey().description + " " + entry.getValue())
					.collect(Collectors.joining(", ")),
				this.proxy.connectionsAccepted(), this.proxy.connectionsRefused(), String.join(", ", director.log));

		assertThat(this.faults).as("faults injected by kind").containsOnlyKeys(Fault.values());
		List<Long> all = LongStream.rangeClosed(1, EVENTS).boxed().toList();
		assertThat(out.items()).as("service's events accepted by the hub, in seq order").containsExactlyElementsOf(all);
		assertThat(publishedAtHub.items()).as("published events in the service's user's stream at the hub")
			.containsExactlyElementsOf(all);
		assertThat(publishedAtListener.items()).as("published events at the service's listener, in the order called")
			.containsExactlyElementsOf(all);
		assertThat(echoedAtListener.items()).as("the service's own events at its listener, in the order called")
			.containsExactlyElementsOf(all);
		assertThat(this.serviceDatabase.received(PUBLISHED)).extracting(ServiceDatabase.Received::seq)
			.as("seqs of published events at the listener")
			.isSorted();
	}

	private List<Long> items(String event) {
		return this.serviceDatabase.received(event)
			.stream()
			.map((received) -> (received.item() != null) ? received.item().longValue() : -1L)
			.toList();
	}

	private ChildJvm startService() throws Exception {
		this.serviceStarts++;
		List<String> arguments = new ArrayList<>(DeliveryService.arguments(this.proxy.port(), SERVICE, SERVICE,
				this.serviceDatabase.isolated(), INSTANCE, EVENTS, 1));
		arguments.add("--delivery.rate=" + RATE);
		arguments.add("--delivery.room=" + ROOM);
		return ChildJvm.start("soak-service-" + this.serviceStarts, DeliveryService.class, arguments);
	}

	/**
	 * Publish the numbered events to a room, one durable outbox write each, at the pace
	 * of {@link #RATE}.
	 */
	private void publish() {
		try {
			RealtimeClient client = this.publisher.getBean(RealtimeClient.class);
			long interval = TimeUnit.SECONDS.toNanos(1) / RATE;
			long due = System.nanoTime();
			for (int i = 1; i <= EVENTS && !Thread.currentThread().isInterrupted(); i++) {
				client.sendEvent(PUBLISHED, Map.of("room", ROOM, "i", i));
				this.published.set(i);
				// a load generator's pace, not a wait for a result
				due += interval;
				LockSupport.parkNanos(due - System.nanoTime());
			}
		}
		catch (RuntimeException ex) {
			this.publisherFailure.set(ex);
		}
	}

	private Progress progress() {
		Map<String, Long> received = this.serviceDatabase.receivedByEvent();
		return new Progress(this.hub.queryLong("select count(*) from hub_accepted_event where user_id = ?", SERVICE),
				this.hub.queryLong("select delivered_seq from hub_user where user_id = ?", SERVICE),
				received.getOrDefault(PUBLISHED, 0L), received.getOrDefault(DeliveryService.ITEM, 0L),
				this.published.get());
	}

	private void inject(Fault fault) {
		this.proxy.heal();
		switch (fault) {
			case RESET -> this.proxy.cutAll(Cut.RESET);
			case CLOSE -> this.proxy.cutAll(Cut.CLOSE);
			case REFUSE -> {
				// the hub unreachable for a while, as behind a failing load balancer
				this.proxy.refuseConnections(Duration.ofSeconds(3));
				this.proxy.cutAll(Cut.RESET);
			}
			case LATENCY -> this.proxy.latency(Duration.ofMillis(100));
			case THROTTLE -> this.proxy.throttle(64 * 1024);
			case HALF_OPEN -> {
				Direction[] directions = Direction.values();
				this.proxy.halfOpen(directions[this.faults.getOrDefault(Fault.HALF_OPEN, 0) % directions.length]);
				this.faultTimer.schedule(this.proxy::resume, HALF_OPEN_FOR.toMillis(), TimeUnit.MILLISECONDS);
			}
		}
		this.faults.merge(fault, 1, Integer::sum);
	}

	/**
	 * Drives the faults and restarts from the progress the test sees: a fault each
	 * {@value #FAULT_EVERY} events moved, a restart at each quarter of the way.
	 */
	private final class Director {

		private long nextFaultAt = FAULT_EVERY;

		private int restarts;

		/** When each restart happened and how long it took. */
		private final List<String> log = new ArrayList<>();

		/**
		 * Inject a fault or restart something if the progress calls for it.
		 * @return whether it restarted something, so that the progress is out of date
		 */
		boolean act(Progress progress) throws Exception {
			Throwable failure = SoakIntegrationTests.this.publisherFailure.get();
			if (failure != null) {
				throw new IllegalStateException("The publisher failed", failure);
			}
			SoakIntegrationTests.this.hub.assertAlive();
			if (!SoakIntegrationTests.this.service.isAlive()) {
				throw new IllegalStateException("The service died, see " + SoakIntegrationTests.this.service.log());
			}
			long moved = progress.moved();
			if (this.restarts < Restart.values().length && moved >= 3L * EVENTS * (this.restarts + 1) / 4) {
				Restart restart = Restart.values()[this.restarts++];
				long startedAt = System.nanoTime();
				restart(restart);
				this.log.add(restart.description + " after " + moved + " events moved, "
						+ TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt) + " s to " + restart.until);
				return true;
			}
			if (moved >= this.nextFaultAt) {
				// after a burst (a backlog sent at reconnect) the faults it passed follow
				// one per poll
				inject(Fault.values()[faultCount() % Fault.values().length]);
				this.nextFaultAt += FAULT_EVERY;
			}
			return false;
		}

		boolean restartsDone() {
			return this.restarts == Restart.values().length;
		}

		private void restart(Restart restart) throws Exception {
			switch (restart) {
				case HUB_GRACEFULLY -> SoakIntegrationTests.this.hub.restartGracefully();
				case SERVICE_KILLED -> {
					SoakIntegrationTests.this.service.kill();
					SoakIntegrationTests.this.service = startService();
				}
				case HUB_KILLED -> SoakIntegrationTests.this.hub.restartAfterKill();
			}
		}

		int faultCount() {
			return SoakIntegrationTests.this.faults.values().stream().mapToInt(Integer::intValue).sum();
		}

	}

	/**
	 * What reached its destination so far.
	 *
	 * @param outAtHub the service's events the hub accepted
	 * @param inAcked the events of the service's user's stream the service acked to the
	 * hub, stored in its inbox (published and echoed)
	 * @param publishedAtListener published events the service's listener recorded
	 * @param echoedAtListener the service's own events its listener recorded
	 * @param published events the publisher handed to its outbox
	 */
	private record Progress(long outAtHub, long inAcked, long publishedAtListener, long echoedAtListener,
			int published) {

		/**
		 * Counted at the hub, so that restarts land where the network still has work to
		 * do, whatever the listener's lag.
		 */
		long moved() {
			return this.outAtHub + this.inAcked;
		}

		boolean complete() {
			return this.outAtHub >= EVENTS && this.publishedAtListener >= EVENTS && this.echoedAtListener >= EVENTS;
		}

		String describe() {
			return "of " + EVENTS + " each: the hub accepted " + this.outAtHub + " from the service; the service "
					+ "acked " + this.inAcked + " of its stream (published and echoed); its listener recorded "
					+ this.publishedAtListener + " published (" + this.published
					+ " handed to the publisher's outbox) and " + this.echoedAtListener + " of its own; logs in "
					+ "target/soak-*.log";
		}

	}

	/**
	 * The numbers of one flow's events where they were counted, in the order counted.
	 *
	 * @param sent how many were sent
	 * @param items the numbers counted
	 */
	private record Flow(long sent, List<Long> items) {

		long distinct() {
			return this.items.stream().distinct().count();
		}

		boolean ordered() {
			for (int i = 1; i < this.items.size(); i++) {
				if (this.items.get(i) <= this.items.get(i - 1)) {
					return false;
				}
			}
			return true;
		}

		@Override
		public String toString() {
			return this.items.size() + " (lost " + (this.sent - distinct()) + ", duplicated "
					+ (this.items.size() - distinct()) + ", order " + (ordered() ? "kept" : "BROKEN") + ")";
		}

	}

	/**
	 * The restarts, in the order they happen.
	 */
	private enum Restart {

		HUB_GRACEFULLY("hub stopped", "answering again"),
		SERVICE_KILLED("service killed", "a new process started (it connects once the lease expires)"),
		HUB_KILLED("hub killed", "answering again");

		private final String description;

		private final String until;

		Restart(String description, String until) {
			this.description = description;
			this.until = until;
		}

	}

	/**
	 * The faults, injected in rotation.
	 */
	private enum Fault {

		RESET("reset"), CLOSE("closed"), REFUSE("refused for 3 s"), LATENCY("100 ms latency"),
		THROTTLE("throttled to 64 KiB/s"), HALF_OPEN("half-open for 5 s");

		private final String description;

		Fault(String description) {
			this.description = description;
		}

	}

}

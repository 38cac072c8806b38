package dev.realtime.demo.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.OutboxWriteException;
import dev.realtime.client.RealtimeClient;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.HubTap;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * The client's PostgreSQL unreachable for 60 s (a TCP proxy in front of it stops
 * forwarding, connections stay open and silent) in the middle of a burst, while the
 * client is connected, at default settings: the connection stays up with pings and pongs
 * throughout (seen at the hub), {@code sendEvent} outside a transaction fails within
 * {@code realtime.outbox.write-timeout} with {@link OutboxWriteException}, and once the
 * database is back every event of the burst is delivered once and in order, and the
 * events the hub pushed meanwhile reach the listener once.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.outage=outage" })
@Import(HubTap.class)
class DatabaseOutageIntegrationTests extends ClientAgainstHubSupport {

	private static final Duration OUTAGE = Duration.ofSeconds(60);

	/** Default of realtime.outbox.write-timeout. */
	private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(5);

	/** Default of realtime.heartbeat.interval. */
	private static final Duration HEARTBEAT = Duration.ofSeconds(25);

	private static final int BURST = 5_000;

	private static final int PUSHES = 5;

	@Autowired
	private HubTap tap;

	private FaultProxy proxy;

	@AfterEach
	void stopProxy() {
		if (this.proxy != null) {
			this.proxy.close();
		}
	}

	@Test
	void databaseUnreachableForAMinuteKeepsTheConnectionAndLosesNothing() throws Exception {
		TestDatabases.Isolated database = createClientDatabase(TestDatabases.Kind.POSTGRESQL);
		TestDatabases.Server server = database.server();
		this.proxy = FaultProxy.inFrontOf(server.url());
		TestDatabases.Isolated throughProxy = new TestDatabases.Isolated(new TestDatabases.Server(server.kind(),
				this.proxy.route(server.url()), server.username(), server.password()), database.name());
		RealtimeClient realtime = startClient(throughProxy, "outage");
		List<Integer> pushed = new CopyOnWriteArrayList<>();
		realtime.onMessage((message) -> {
			if (message.event().equals("outage.push")) {
				pushed.add(message.payload().get("n").intValue());
			}
		});
		HubTap.Traffic traffic = this.tap.traffic("outage");
		int connections = traffic.connectionsOpened();

		client().getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
			for (int i = 1; i <= BURST; i++) {
				realtime.sendEvent("outage.item", Map.of("i", i));
			}
		});
		this.proxy.halfOpen(FaultProxy.Direction.BOTH);
		Instant outageStart = Instant.now();

		for (int n = 1; n <= PUSHES; n++) {
			this.hub.push("outage", "outage.push", Map.of("n", n));
		}
		Instant sendStart = Instant.now();
		CompletableFuture<Object> send = CompletableFuture
			.supplyAsync(() -> realtime.sendEvent("outage.during", Map.of("i", 0)));
		Throwable failure = catchThrowable(
				() -> send.get(WRITE_TIMEOUT.plusSeconds(2).toMillis(), TimeUnit.MILLISECONDS));
		assertThat(Duration.between(sendStart, Instant.now())).isLessThanOrEqualTo(WRITE_TIMEOUT.plusSeconds(1));
		assertThat(failure).as("sendEvent while the database is unreachable")
			.isInstanceOf(ExecutionException.class)
			.hasCauseInstanceOf(OutboxWriteException.class);
		OutboxWriteException.Outcome outcome = ((OutboxWriteException) failure.getCause()).outcome();

		// the rest of the minute: connected all along, the same connection, pinging
		Duration left = OUTAGE.minus(Duration.between(outageStart, Instant.now()));
		await().during(left)
			.atMost(left.plusSeconds(5))
			.until(() -> realtime.connectionState() == ConnectionState.CONNECTED
					&& traffic.connectionsOpened() == connections);
		this.proxy.resume();
		Instant outageEnd = Instant.now();
		long pings = traffic.pings().stream().filter((at) -> at.isAfter(outageStart) && at.isBefore(outageEnd)).count();
		long pongs = traffic.pongs().stream().filter((at) -> at.isAfter(outageStart) && at.isBefore(outageEnd)).count();
		long expected = OUTAGE.toSeconds() / HEARTBEAT.toSeconds();
		assertThat(pings).as("pings during the outage").isGreaterThanOrEqualTo(expected);
		assertThat(pongs).as("pongs during the outage").isGreaterThanOrEqualTo(expected);

		await().atMost(Duration.ofSeconds(60)).until(() -> accepted(realtime).size(), (size) -> size >= BURST);
		assertThat(accepted(realtime)).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, BURST).boxed().toList());
		assertThat(accepted(realtime)).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
		await().atMost(Duration.ofSeconds(60)).until(() -> pushed.size() >= PUSHES);
		assertThat(pushed).containsExactlyElementsOf(IntStream.rangeClosed(1, PUSHES).boxed().toList());
		if (outcome == OutboxWriteException.Outcome.NOT_WRITTEN) {
			assertThat(accepted(realtime, "outage.during")).isEmpty();
		}
		else {
			assertThat(accepted(realtime, "outage.during")).hasSizeLessThanOrEqualTo(1);
		}
	}

	private List<AcceptedEvent> accepted(RealtimeClient realtime) {
		return accepted(realtime, "outage.item");
	}

}

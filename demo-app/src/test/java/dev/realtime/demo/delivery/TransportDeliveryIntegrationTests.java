package dev.realtime.demo.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.realtime.demo.ChildJvm;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same end-to-end delivery on every transport: a user's service
 * ({@link DeliveryService} in a child JVM, durable outbox and inbox on PostgreSQL,
 * default timings) sends 2,000 numbered events to the reference hub in this JVM while the
 * hub pushes 2,000 numbered events to the service's user; the hub drops the connection
 * once in the middle and the service is stopped and started again once. Zero lost, zero
 * duplicated, in order, each way: counted at the hub (what it accepted from the client)
 * and at the service's listener (a row written in the inbox transaction). A new transport
 * is one more {@link TransportUnderTest} constant.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.socketio.enabled=true",
				"realtime.hub.tokens.transport-websocket=transport-websocket",
				"realtime.hub.tokens.transport-socketio=transport-socketio",
				"realtime.hub.tokens.transport-http=transport-http" })
class TransportDeliveryIntegrationTests extends PostgresSchemaSupport {

	private static final int COUNT = 2_000;

	/**
	 * Events a second each way: about 20 s of flow, so the drop and restart land in it.
	 */
	private static final int RATE = 100;

	private static final String INSTANCE = "transport";

	private static final String PUSHED = "transport.pushed";

	private static final int SOCKETIO_PORT = freePort();

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	@DynamicPropertySource
	static void socketIoPort(DynamicPropertyRegistry registry) {
		registry.add("realtime.hub.socketio.port", () -> SOCKETIO_PORT);
	}

	@ParameterizedTest
	@EnumSource(TransportUnderTest.class)
	void twoThousandEventsEachWayThroughADropAndAServiceRestartOnceInOrder(TransportUnderTest transport)
			throws Exception {
		String user = "transport-" + transport.name().toLowerCase(Locale.ROOT);
		try (ServiceDatabase database = ServiceDatabase.create(TestDatabases.Kind.POSTGRESQL)) {
			AtomicReference<Throwable> pushFailure = new AtomicReference<>();
			Thread pusher = new Thread(() -> push(user, pushFailure), "transport-pusher");
			ChildJvm service = startService(database, user, transport, 1);
			try {
				database.awaitReady(INSTANCE);
				await().atMost(Duration.ofSeconds(60)).until(() -> database.clientId(user) != null);
				String clientId = database.clientId(user);
				pusher.start();
				awaitAccepted(clientId, COUNT / 3);
				await("a connection to drop").atMost(Duration.ofSeconds(30))
					.until(() -> this.hub.closeSessions(user, CloseCodes.GOING_AWAY, "dropped by the test") > 0);
				awaitAccepted(clientId, 2 * COUNT / 3);
				service.stop();
				service.close();
				service = startService(database, user, transport, 2);
				await("events at the hub").atMost(Duration.ofMinutes(2))
					.until(() -> this.hub.acceptedEvents(clientId).size(), (size) -> size >= COUNT);
				pusher.join(Duration.ofMinutes(1).toMillis());
				assertThat(pushFailure.get()).as("pushing").isNull();
				await("events at the service").atMost(Duration.ofMinutes(2))
					.until(() -> database.received(PUSHED).size(), (size) -> size >= COUNT);
				List<Integer> expected = IntStream.rangeClosed(1, COUNT).boxed().toList();
				List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
				assertThat(accepted).extracting((event) -> event.payload().get("i").intValue())
					.containsExactlyElementsOf(expected);
				assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
				List<ServiceDatabase.Received> received = database.received(PUSHED);
				assertThat(received).extracting(ServiceDatabase.Received::item).containsExactlyElementsOf(expected);
				assertThat(received).extracting(ServiceDatabase.Received::seq).doesNotHaveDuplicates();
			}
			finally {
				pusher.interrupt();
				service.close();
			}
		}
	}

	private void push(String user, AtomicReference<Throwable> failure) {
		try {
			long due = System.nanoTime();
			for (int i = 1; i <= COUNT && !Thread.currentThread().isInterrupted(); i++) {
				// a producer's pace, not a wait for a result
				due += 1_000_000_000L / RATE;
				LockSupport.parkNanos(due - System.nanoTime());
				this.hub.push(user, PUSHED, Map.of("i", i));
			}
		}
		catch (RuntimeException ex) {
			failure.set(ex);
		}
	}

	private void awaitAccepted(String clientId, int count) {
		await("events at the hub").atMost(Duration.ofMinutes(2))
			.until(() -> this.hub.acceptedEvents(clientId).size(), (size) -> size >= count);
	}

	private ChildJvm startService(ServiceDatabase database, String user, TransportUnderTest transport, int start)
			throws IOException {
		return ChildJvm.start("transport-delivery-" + user + "-" + start, DeliveryService.class,
				DeliveryService.arguments(this.port, user, user, database.isolated(), INSTANCE, COUNT, 1,
						transport.properties(this.port, SOCKETIO_PORT)));
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The transports the delivery runs on, with the service's properties for each.
	 */
	enum TransportUnderTest {

		/** Raw WebSocket, the default. */
		WEBSOCKET {
			@Override
			List<String> properties(int port, int socketIoPort) {
				return List.of("realtime.transport=websocket", "realtime.url=ws://localhost:" + port + "/realtime",
						"delivery.rate=" + RATE);
			}
		},

		/** Socket.IO, to the hub's netty-socketio endpoint. */
		SOCKETIO {
			@Override
			List<String> properties(int port, int socketIoPort) {
				return List.of("realtime.transport=socketio", "realtime.url=http://localhost:" + socketIoPort,
						"delivery.rate=" + RATE);
			}
		},

		/**
		 * HTTP alone (SockJS), to the hub's SockJS endpoint derived from the WebSocket
		 * URL.
		 */
		HTTP {
			@Override
			List<String> properties(int port, int socketIoPort) {
				return List.of("realtime.transport=http", "realtime.url=ws://localhost:" + port + "/realtime",
						"delivery.rate=" + RATE);
			}
		};

		/**
		 * Return the service's properties for this transport.
		 * @param port the hub's HTTP port
		 * @param socketIoPort the hub's Socket.IO port
		 * @return {@code key=value} properties
		 */
		abstract List<String> properties(int port, int socketIoPort);

	}

}

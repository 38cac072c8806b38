package dev.realtime.demo.delivery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client over the Socket.IO transport ({@code realtime.transport=socketio}) against
 * the reference hub's Socket.IO endpoint (netty-socketio) in this JVM: it connects and
 * reports the transport, sends with acks, receives pushed events, resumes after the hub
 * drops the connection without losing or duplicating either direction, and a refused
 * token or user ends as the WebSocket transport's handshake refusals do.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.socketio.enabled=true",
				"realtime.hub.tokens.sio-acks=sio-acks", "realtime.hub.tokens.sio-inbound=sio-inbound",
				"realtime.hub.tokens.sio-drops=sio-drops", "realtime.hub.tokens.sio-other=sio-other" })
class SocketIoClientIntegrationTests extends ClientAgainstHubSupport {

	private static final int SOCKETIO_PORT = freePort();

	private ConfigurableApplicationContext refused;

	private TestDatabases.Isolated refusedDatabase;

	@DynamicPropertySource
	static void socketIoPort(DynamicPropertyRegistry registry) {
		registry.add("realtime.hub.socketio.port", () -> SOCKETIO_PORT);
	}

	@AfterEach
	void stopRefusedClient() {
		if (this.refused != null) {
			this.refused.close();
		}
		if (this.refusedDatabase != null) {
			this.refusedDatabase.close();
		}
	}

	@Test
	void connectsOverSocketIoAndSendsWithAcks() {
		RealtimeClient realtime = startSocketIoClient("sio-acks");
		assertThat(((ObservableClient) realtime).transport()).isEqualTo("socketio");
		List<SendHandle> handles = IntStream.rangeClosed(1, 200)
			.mapToObj((i) -> realtime.sendEvent("sio.item", Map.of("i", i)))
			.toList();
		handles.forEach((handle) -> handle.acknowledged().orTimeout(30, TimeUnit.SECONDS).join());
		assertThat(accepted(realtime, "sio.item")).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 200).boxed().toList());
		assertThat(realtime.pendingCount()).isZero();
	}

	@Test
	void receivesWhatTheHubPushes() {
		RealtimeClient realtime = startSocketIoClient("sio-inbound");
		Queue<Integer> received = new ConcurrentLinkedQueue<>();
		realtime.onMessage((message) -> received.add(message.payload().get("i").intValue()));
		for (int i = 1; i <= 100; i++) {
			this.hub.push("sio-inbound", "sio.pushed", Map.of("i", i));
		}
		await("pushed events").atMost(Duration.ofSeconds(30)).until(() -> received.size() >= 100);
		assertThat(received).containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
	}

	@Test
	void resumesBothDirectionsAfterTheHubDropsTheConnection() {
		RealtimeClient realtime = startSocketIoClient("sio-drops");
		Queue<Integer> received = new ConcurrentLinkedQueue<>();
		realtime.onMessage((message) -> {
			// the hub also streams the user's own events back to it: only the pushed ones
			if (message.event().equals("sio.pushed")) {
				received.add(message.payload().get("i").intValue());
			}
		});
		int rounds = 5;
		int perRound = 100;
		for (int round = 0; round < rounds; round++) {
			int first = round * perRound + 1;
			for (int i = first; i < first + perRound; i++) {
				realtime.sendEvent("sio.item", Map.of("i", i));
				this.hub.push("sio-drops", "sio.pushed", Map.of("i", i));
			}
			int half = first + perRound / 2;
			await("events at the hub").atMost(Duration.ofSeconds(30))
				.until(() -> accepted(realtime, "sio.item").size(), (count) -> count >= half);
			// the hub's close code travels in the 'close' event before the disconnect
			await().until(() -> this.hub.closeSessions("sio-drops", CloseCodes.GOING_AWAY, "dropped by the test") > 0);
		}
		int count = rounds * perRound;
		await("events at the hub").atMost(Duration.ofSeconds(60))
			.until(() -> accepted(realtime, "sio.item").size(), (size) -> size >= count);
		await("pushed events").atMost(Duration.ofSeconds(60)).until(() -> received.size() >= count);
		List<Integer> expected = IntStream.rangeClosed(1, count).boxed().toList();
		assertThat(accepted(realtime, "sio.item")).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(expected);
		assertThat(accepted(realtime, "sio.item")).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
		assertThat(received).containsExactlyElementsOf(expected);
		assertThat(((ObservableClient) realtime).metrics().reconnects()).isGreaterThanOrEqualTo(rounds);
	}

	@Test
	void aRefusedTokenIsAHandshakeRefusalWith401() {
		ObservableClient client = startRefused("sio-acks", "not-a-token");
		await().atMost(Duration.ofSeconds(30)).until(() -> client.connectionState() == ConnectionState.FAILED);
		assertThat(client.lastError()).contains("401");
		assertThat(client.transport()).isNull();
	}

	@Test
	void aTokenOfAnotherUserIsAHandshakeRefusalWith403() {
		ObservableClient client = startRefused("sio-acks", "sio-other");
		await().atMost(Duration.ofSeconds(30)).until(() -> client.connectionState() == ConnectionState.FAILED);
		assertThat(client.lastError()).contains("403");
	}

	private RealtimeClient startSocketIoClient(String user) {
		return startClient(user, socketIoProperties());
	}

	private ObservableClient startRefused(String user, String token) {
		this.refusedDatabase = TestDatabases.postgres().createIsolated("client");
		this.refused = ClientOnlyApplication.start(this.port, user, token, this.refusedDatabase, List.of(),
				socketIoProperties());
		return this.refused.getBean(ObservableClient.class);
	}

	private static String[] socketIoProperties() {
		return new String[] { "realtime.transport=socketio", "realtime.url=http://localhost:" + SOCKETIO_PORT };
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}

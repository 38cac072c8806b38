package dev.realtime.samples.socketio;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import io.socket.client.IO;
import okhttp3.OkHttp;
import okio.Okio;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.ObservableClient;
import dev.realtime.client.SendHandle;
import dev.realtime.test.NodeSocketIoServer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The starter over Socket.IO on the classpath an application gets from the README's
 * dependencies (OkHttp 4.12, Okio 3, org.json 20250517 instead of what socket.io-client
 * 2.1.2 declares), against a real Socket.IO server on Node.js: the client connects, its
 * events are acked and accepted once each in order across a server drop, and pushed
 * events reach the application's listener.
 */
@SpringBootTest(
		properties = { "realtime.transport=socketio", "realtime.user-id=alice", "realtime.auth.token=alice-token" })
class SocketIoConsumerTests {

	private static final NodeSocketIoServer server = NodeSocketIoServer.start("{\"alice-token\":\"alice\"}");

	@Autowired
	private ObservableClient client;

	@Autowired
	private SocketIoConsumerApplication.PushedEvents pushed;

	@DynamicPropertySource
	static void serverUrl(DynamicPropertyRegistry registry) {
		registry.add("realtime.url", () -> server.uri("127.0.0.1").toString());
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void classpathHoldsTheMaintainedVersions() {
		assertThat(OkHttp.VERSION).startsWith("4.12.");
		assertThat(jarOf(Okio.class)).contains("okio-jvm-3.");
		assertThat(jarOf(JSONObject.class)).contains("json-20250517");
		assertThat(jarOf(IO.class)).contains("socket.io-client-2.1.2");
	}

	@Test
	void sendsAcrossAServerDropAndReceivesPushedEvents() {
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.connectionState() == ConnectionState.CONNECTED);
		List<SendHandle> first = send(1, 200);
		first.forEach((handle) -> handle.acknowledged().orTimeout(60, TimeUnit.SECONDS).join());
		server.command("drop");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.client.metrics().reconnects() >= 1);
		List<SendHandle> second = send(201, 400);
		second.forEach((handle) -> handle.acknowledged().orTimeout(60, TimeUnit.SECONDS).join());
		assertThat(server.awaitAcceptedItems(this.client.clientId(), 400))
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 400).boxed().toList());

		server.command("push alice 50");
		await().atMost(Duration.ofSeconds(30)).until(() -> this.pushed.items().size() >= 50);
		assertThat(this.pushed.items()).containsExactlyElementsOf(IntStream.rangeClosed(1, 50).boxed().toList());
	}

	private List<SendHandle> send(int first, int last) {
		return IntStream.rangeClosed(first, last)
			.mapToObj((i) -> this.client.sendEvent("node.item", Map.of("i", i)))
			.toList();
	}

	private static String jarOf(Class<?> type) {
		return type.getProtectionDomain().getCodeSource().getLocation().toString();
	}

}

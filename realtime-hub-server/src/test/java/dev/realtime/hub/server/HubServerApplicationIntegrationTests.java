package dev.realtime.hub.server;

import java.lang.reflect.Field;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.UseMainMethod;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The server started through its main method with its own {@code application.yml}: the
 * embedded H2 file database (in this module's {@code target} directory rather than
 * {@code ./data}, so that runs do not share it) and one static token given on the command
 * line. A plain JDK WebSocket client, which knows nothing of this project, speaks the
 * protocol to it; {@code /actuator/health} shows the hub's component.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, useMainMethod = UseMainMethod.ALWAYS,
		args = { "--realtime.hub.tokens.server-test-token=server-test", "--realtime.hub.rooms.open=general",
				"--spring.datasource.url=jdbc:h2:file:./target/hub-server-test/${random.uuid};DB_CLOSE_ON_EXIT=FALSE" })
class HubServerApplicationIntegrationTests {

	private static final long TIMEOUT_SECONDS = 15;

	private final JsonMapper mapper = JsonMapper.builder().build();

	@LocalServerPort
	int port;

	@Test
	void roundTripsAnEventWithARawWebSocketClient() throws Exception {
		String clientId = UUID.randomUUID().toString();
		Frames frames = new Frames();
		WebSocket socket = connect(clientId, "server-test-token", frames).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
		socket.sendText("{\"type\":\"resume\",\"client_id\":\"" + clientId + "\",\"last_ack_seq\":0}", true);
		JsonNode resumed = frames.next();
		assertThat(resumed.path("type").stringValue()).isEqualTo("resume_response");
		assertThat(resumed.path("ack_seq").asLong()).isZero();
		assertThat(resumed.path("events")).isEmpty();

		socket.sendText("{\"type\":\"event\",\"seq\":1,\"client_id\":\"" + clientId + "\",\"idempotency_key\":\""
				+ UUID.randomUUID()
				+ "\",\"event\":\"chat.message\",\"payload\":{\"text\":\"hi\",\"room\":\"general\"}}", true);
		List<JsonNode> answers = List.of(frames.next(), frames.next());
		assertThat(answers).filteredOn((frame) -> "ack".equals(frame.path("type").stringValue()))
			.singleElement()
			.satisfies((ack) -> assertThat(ack.path("ack_seq").asLong()).isEqualTo(1));
		// the sender is a member of the room it wrote to: the hub delivers the event
		// back,
		// first in the user's stream
		assertThat(answers).filteredOn((frame) -> "event".equals(frame.path("type").stringValue()))
			.singleElement()
			.satisfies((event) -> {
				assertThat(event.path("seq").asLong()).isEqualTo(1);
				assertThat(event.path("event").stringValue()).isEqualTo("chat.message");
				assertThat(event.path("payload").path("text").stringValue()).isEqualTo("hi");
			});
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
	}

	@Test
	void refusesATokenItWasNotGiven() {
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> connect(UUID.randomUUID().toString(), "unknown-token", new Frames()).get(TIMEOUT_SECONDS,
					TimeUnit.SECONDS))
			.havingCause()
			.isInstanceOfSatisfying(WebSocketHandshakeException.class,
					(ex) -> assertThat(ex.getResponse().statusCode()).isEqualTo(401));
	}

	@Test
	void tomcatGivesEachWebSocketConnectionBuffersOfTwoKilobytes() throws Exception {
		// the size Tomcat read when its WebSocket classes loaded (the main method sets it
		// first): a size set any later would be ignored
		Field size = Class.forName("org.apache.tomcat.websocket.Constants").getDeclaredField("DEFAULT_BUFFER_SIZE");
		size.setAccessible(true);
		assertThat(size.getInt(null)).isEqualTo(2048);
	}

	@Test
	void healthShowsTheHubComponent() throws Exception {
		HttpResponse<String> response = HttpClient.newHttpClient()
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + this.port + "/actuator/health")).build(),
					HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode health = this.mapper.readTree(response.body());
		assertThat(health.path("components").path("realtimeHub").path("status").stringValue()).isEqualTo("UP");
		// the server's settings show components, not their details
		assertThat(health.path("components").path("realtimeHub").has("details")).isFalse();
		// one node (realtime.hub.bus=local): Redis is on the classpath for the bus but
		// not
		// reported
		assertThat(health.path("components").has("redis")).isFalse();
	}

	private CompletableFuture<WebSocket> connect(String clientId, String token, Frames frames) {
		URI uri = URI.create(
				"ws://localhost:" + this.port + "/realtime?client_id=" + clientId + "&user_id=server-test&protocol=1");
		return HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.header("Authorization", "Bearer " + token)
			.buildAsync(uri, frames)
			.toCompletableFuture();
	}

	/**
	 * Collects the frames the hub sends, a batch (a JSON array) flattened into its
	 * elements.
	 */
	private final class Frames implements WebSocket.Listener {

		private final BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();

		private final StringBuilder text = new StringBuilder();

		@Override
		public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
			this.text.append(data);
			if (last) {
				JsonNode message = HubServerApplicationIntegrationTests.this.mapper.readTree(this.text.toString());
				this.text.setLength(0);
				List<JsonNode> frames = new ArrayList<>();
				if (message.isArray()) {
					message.forEach(frames::add);
				}
				else {
					frames.add(message);
				}
				this.received.addAll(frames);
			}
			webSocket.request(1);
			return null;
		}

		JsonNode next() throws InterruptedException {
			JsonNode frame = this.received.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
			assertThat(frame).as("a frame within %d s", TIMEOUT_SECONDS).isNotNull();
			return frame;
		}

	}

}

package dev.realtime.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Three hub nodes ({@code realtime.hub.bus=redis}) as three application contexts in one
 * JVM, on one PostgreSQL schema and one redis-server the test starts on a free port (so
 * that it can cut it; the machine's Redis is never touched). Nodes A and B check for
 * missed events only once an hour, so what reaches B's users in the first tests came by
 * live fan-out over Redis; node C keeps the default catch-up interval, so what reaches
 * its users while Redis is down came from the database. Privacy settings sent to one node
 * apply on the others, and on a single node started later on the same database.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HubScaleOutIntegrationTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	private static TestDatabases.Isolated schema;

	private static int redisPort;

	private static Process redis;

	private static ConfigurableApplicationContext nodeA;

	private static ConfigurableApplicationContext nodeB;

	private static ConfigurableApplicationContext nodeC;

	@BeforeAll
	static void startNodes() throws Exception {
		schema = TestDatabases.postgres().createIsolated("scale");
		try (ServerSocket socket = new ServerSocket(0)) {
			redisPort = socket.getLocalPort();
		}
		startRedis();
		// lengthened from 5 s: on A and B only live fan-out can bring an event in time
		nodeA = node("a", "1h");
		nodeB = node("b", "1h");
		nodeC = node("c", "5s");
	}

	@AfterAll
	static void stopNodes() throws Exception {
		for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] { nodeA, nodeB, nodeC }) {
			if (node != null) {
				node.close();
			}
		}
		stopRedis();
		if (schema != null) {
			schema.close();
		}
	}

	@Test
	@Order(0)
	void eachNodeRunsTheRedisBusUnderItsOwnId() {
		assertThat(nodeA.getBean(DefaultHub.class).bus()).isInstanceOf(RedisHubBus.class);
		assertThat(nodeA.getBean(HubNode.class).id()).isEqualTo("a");
		assertThat(nodeB.getBean(HubNode.class).id()).isEqualTo("b");
	}

	@Test
	@Order(1)
	void anEventAcceptedOnOneNodeReachesTheUsersOtherConnectionOnAnotherNodeLive() throws Exception {
		try (RawHubConnection onA = connect(nodeA, "alice"); RawHubConnection onB = connect(nodeB, "alice")) {
			onA.send("{\"type\":\"event\",\"seq\":1,\"idempotency_key\":\"own-1\",\"event\":\"note.saved\","
					+ "\"payload\":{\"text\":\"from A\"}}");
			assertThat(next(onA, AckFrame.class, (ack) -> true).ackSeq()).isEqualTo(1);
			EventFrame own = next(onA, EventFrame.class, (event) -> true);
			EventFrame crossed = next(onB, EventFrame.class, (event) -> true);
			assertThat(crossed.seq()).isEqualTo(own.seq());
			assertThat(crossed.payload().path("text").stringValue()).isEqualTo("from A");
		}
	}

	@Test
	@Order(2)
	void aRoomMemberOnAnotherNodeReceivesTheRoomsEvent() throws Exception {
		try (RawHubConnection alice = connect(nodeA, "alice"); RawHubConnection bob = connect(nodeB, "bob")) {
			join("team", bob);
			sendToRoom(alice, 1, "team-1", "team", "hello team");
			assertThat(next(alice, AckFrame.class, (ack) -> true).ackSeq()).isEqualTo(1);
			EventFrame received = next(bob, EventFrame.class, (event) -> true);
			assertThat(received.payload().path("text").stringValue()).isEqualTo("hello team");
			assertThat(received.payload().path("user_id").stringValue()).isEqualTo("alice");
		}
	}

	@Test
	@Order(3)
	void presenceOfAUserOnOneNodeIsSeenOnAnother() throws Exception {
		try (RawHubConnection alice = connect(nodeA, "alice"); RawHubConnection bob = connect(nodeB, "bob")) {
			join("design", alice, bob);
			alice.send(meta(MetaFrame.PRESENCE_UPDATE, "{\"status\":\"online\",\"metadata\":{\"on\":\"A\"}}"));
			// live: A's update reaches bob on B
			MetaFrame live = next(bob, MetaFrame.class, presenceOf("alice", "online"));
			assertThat(live.payload().path("metadata").path("on").stringValue()).isEqualTo("A");
			// stored: bob's first presence.update is answered with alice's, kept in Redis
			bob.send(meta(MetaFrame.PRESENCE_UPDATE, "{\"status\":\"away\"}"));
			next(bob, MetaFrame.class, presenceOf("alice", "online"));
			next(alice, MetaFrame.class, presenceOf("bob", "away"));
		}
	}

	@Test
	@Order(4)
	void readReceiptsTurnedOffOnOneNodeAreFannedOutToNobodyFromAnother() throws Exception {
		try (RawHubConnection aliceOnB = connect(nodeB, "alice"); RawHubConnection bob = connect(nodeB, "bob")) {
			join("general", aliceOnB, bob);
			updatePrivacy(nodeA, "alice", true, false);
			aliceOnB.send(receipt(1, "off-1", "general"));
			assertThat(next(aliceOnB, AckFrame.class, (ack) -> true).ackSeq()).isEqualTo(1);
			sendToRoom(aliceOnB, 2, "general-2", "general", "after the receipt");
			// a receipt fanned out to bob would come before the message in his stream
			assertThat(nextReceiptOr(bob, "after the receipt").event()).isEqualTo("chat.message");
		}
	}

	@Test
	@Order(5)
	void typingTurnedOffOnOneNodeIsFannedOutToNobodyFromAnother() throws Exception {
		try (RawHubConnection aliceOnB = connect(nodeB, "alice"); RawHubConnection bob = connect(nodeB, "bob")) {
			updatePrivacy(nodeA, "alice", true, false);
			join("lobby", aliceOnB, bob);
			aliceOnB.send(meta(MetaFrame.TYPING_START, "{\"channel_id\":\"lobby\"}"));
			next(bob, MetaFrame.class, typingOf("alice"));

			updatePrivacy(nodeA, "alice", false, false);
			aliceOnB.send(meta(MetaFrame.TYPING_START, "{\"channel_id\":\"lobby\"}"));
			aliceOnB.send(meta(MetaFrame.PRESENCE_UPDATE, "{\"status\":\"away\",\"metadata\":{\"marker\":\"off\"}}"));
			// a typing signal sent to bob would come before alice's presence, on the same
			// node
			assertThat(next(bob, MetaFrame.class, typingOf("alice").or(marker("off"))).event())
				.isEqualTo(MetaFrame.PRESENCE_UPDATE);
		}
	}

	@Test
	@Order(6)
	void aSingleNodeStartedOnTheSameDatabaseAppliesTheStoredSettings() throws Exception {
		// as a restart of a single node: its memory holds nothing of alice's settings
		ConfigurableApplicationContext single = new SpringApplicationBuilder(HubTestApplication.class)
			.properties(schema.springProperties())
			.properties("server.port=0", "realtime.hub.bus=local")
			.run();
		try (RawHubConnection alice = connect(single, "alice"); RawHubConnection bob = connect(single, "bob")) {
			assertThat(single.getBean(DefaultHub.class).bus()).isInstanceOf(LocalHubBus.class);
			alice.send(meta(MetaFrame.TYPING_START, "{\"channel_id\":\"lobby\"}"));
			alice.send(receipt(1, "single-1", "general"));
			assertThat(next(alice, AckFrame.class, (ack) -> true).ackSeq()).isEqualTo(1);
			alice.send(meta(MetaFrame.PRESENCE_UPDATE, "{\"status\":\"online\",\"metadata\":{\"marker\":\"single\"}}"));
			assertThat(next(bob, MetaFrame.class, typingOf("alice").or(marker("single"))).event())
				.isEqualTo(MetaFrame.PRESENCE_UPDATE);
			sendToRoom(alice, 2, "single-2", "general", "on the single node");
			assertThat(nextReceiptOr(bob, "on the single node").event()).isEqualTo("chat.message");
		}
		finally {
			single.close();
		}
	}

	@Test
	@Order(7)
	void withRedisCutEventsAreStillAcceptedAndReachAnotherNodeThroughTheCatchUp() throws Exception {
		try (RawHubConnection alice = connect(nodeA, "alice"); RawHubConnection carol = connect(nodeC, "carol")) {
			join("ops", carol);
			assertThat(health(nodeA, "redis")).isEqualTo("UP");

			stopRedis();
			await().atMost(Duration.ofSeconds(30)).until(() -> health(nodeA, "redis").equals("DOWN"));
			assertThat(health(nodeA, "liveness")).isEqualTo("UP");
			assertThat(health(nodeA, "readiness")).isEqualTo("UP");
			sendToRoom(alice, 1, "ops-1", "ops", "while Redis is down");
			assertThat(next(alice, AckFrame.class, (ack) -> true).ackSeq()).isEqualTo(1);
			EventFrame caughtUp = next(carol, EventFrame.class, (event) -> true);
			assertThat(caughtUp.payload().path("text").stringValue()).isEqualTo("while Redis is down");

			startRedis();
			await().atMost(Duration.ofSeconds(60)).until(() -> health(nodeA, "redis").equals("UP"));
			sendToRoom(alice, 2, "ops-2", "ops", "Redis is back");
			assertThat(next(alice, AckFrame.class, (ack) -> true).ackSeq()).isEqualTo(2);
			EventFrame after = next(carol, EventFrame.class, (event) -> true);
			assertThat(after.seq()).isEqualTo(caughtUp.seq() + 1);
			assertThat(after.payload().path("text").stringValue()).isEqualTo("Redis is back");
		}
	}

	/**
	 * Join a room on each connection and wait for the ping's answer, which says the node
	 * processed the join.
	 */
	private static void join(String room, RawHubConnection... connections) throws Exception {
		for (RawHubConnection connection : connections) {
			connection.send(meta(MetaFrame.ROOM_JOIN, "{\"room\":\"" + room + "\"}"));
			ping(connection);
		}
	}

	/**
	 * Wait for the answer to a ping, which says the node processed what came before it.
	 */
	private static void ping(RawHubConnection connection) throws Exception {
		connection.send(meta(MetaFrame.PING, "null"));
		next(connection, MetaFrame.class, (frame) -> frame.event().equals(MetaFrame.PONG));
	}

	/**
	 * Send a user's privacy settings on a connection to a node, and wait until the node
	 * processed (stored) them.
	 */
	private static void updatePrivacy(ConfigurableApplicationContext node, String user, boolean typingIndicators,
			boolean readReceipts) throws Exception {
		try (RawHubConnection connection = connect(node, user)) {
			connection.send(meta(MetaFrame.PRIVACY_UPDATE,
					"{\"typing_indicators\":" + typingIndicators + ",\"read_receipts\":" + readReceipts + "}"));
			ping(connection);
		}
	}

	/**
	 * Wait for the next read receipt or room event with the text, whichever comes first.
	 */
	private static EventFrame nextReceiptOr(RawHubConnection connection, String text) throws InterruptedException {
		return next(connection, EventFrame.class, (event) -> event.event().equals(EventFrame.RECEIPT_READ)
				|| text.equals(event.payload().path("text").asString("")));
	}

	private static String receipt(long seq, String key, String channel) {
		return "{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"" + key
				+ "\",\"event\":\"receipt.read\",\"payload\":{\"message_id\":\"m-1\",\"channel_id\":\"" + channel
				+ "\"}}";
	}

	private static Predicate<MetaFrame> typingOf(String user) {
		return (frame) -> frame.event().equals(MetaFrame.TYPING_START)
				&& frame.payload().path("user_id").asString("").equals(user);
	}

	private static Predicate<MetaFrame> marker(String marker) {
		return (frame) -> frame.event().equals(MetaFrame.PRESENCE_UPDATE)
				&& frame.payload().path("metadata").path("marker").asString("").equals(marker);
	}

	private static void sendToRoom(RawHubConnection connection, long seq, String key, String room, String text)
			throws IOException {
		connection.send("{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"" + key
				+ "\",\"event\":\"chat.message\",\"payload\":{\"room\":\"" + room + "\",\"text\":\"" + text + "\"}}");
	}

	private static Predicate<MetaFrame> presenceOf(String user, String status) {
		return (frame) -> frame.event().equals(MetaFrame.PRESENCE_UPDATE)
				&& frame.payload().path("user_id").stringValue().equals(user)
				&& frame.payload().path("status").stringValue().equals(status);
	}

	/**
	 * Wait for the next frame of a type that matches, skipping the others (presence and
	 * profiles the hub sends on its own).
	 */
	private static <T extends Frame> T next(RawHubConnection connection, Class<T> type, Predicate<T> matches)
			throws InterruptedException {
		while (true) {
			Frame frame = connection.next(Frame.class);
			if (type.isInstance(frame) && matches.test(type.cast(frame))) {
				return type.cast(frame);
			}
		}
	}

	private static ConfigurableApplicationContext node(String name, String catchUpInterval) {
		return new SpringApplicationBuilder(HubTestApplication.class).properties(schema.springProperties())
			.properties("server.port=0", "realtime.hub.bus=redis", "realtime.hub.node-id=" + name,
					"realtime.hub.redis.catch-up-interval=" + catchUpInterval, "spring.data.redis.port=" + redisPort,
					"realtime.hub.tokens.carol-token=carol", "management.endpoint.health.probes.enabled=true",
					"management.endpoint.health.show-components=always")
			.run();
	}

	private static int port(ConfigurableApplicationContext node) {
		return ((WebServerApplicationContext) node).getWebServer().getPort();
	}

	private static String health(ConfigurableApplicationContext node, String path) throws Exception {
		HttpResponse<String> response = http
			.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port(node) + "/actuator/health/" + path))
				.build(), HttpResponse.BodyHandlers.ofString());
		return JsonMapper.builder().build().readTree(response.body()).path("status").stringValue();
	}

	private static RawHubConnection connect(ConfigurableApplicationContext node, String user) throws Exception {
		String clientId = UUID.randomUUID().toString();
		RawHubConnection connection = RawHubConnection.open(port(node), user, clientId, user + "-token");
		connection.send(new ResumeFrame(clientId, 0));
		// presence of room mates (another test's user going offline) may come first
		next(connection, ResumeResponseFrame.class, (answer) -> true);
		return connection;
	}

	private static String meta(String event, String payload) {
		return "{\"type\":\"meta\",\"event\":\"" + event + "\",\"payload\":" + payload + "}";
	}

	private static void startRedis() throws Exception {
		redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1", "--save",
				"", "--appendonly", "no")
			.redirectErrorStream(true)
			.redirectOutput(ProcessBuilder.Redirect.DISCARD)
			.start();
		await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(HubScaleOutIntegrationTests::redisAnswers);
	}

	private static boolean redisAnswers() throws IOException {
		try (Socket socket = new Socket("127.0.0.1", redisPort)) {
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] answer = new byte[7];
			return in.read(answer) > 0 && new String(answer, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
	}

	private static void stopRedis() throws InterruptedException {
		if (redis != null) {
			redis.destroy();
			redis.waitFor();
			redis = null;
		}
	}

}

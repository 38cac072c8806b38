package dev.realtime.demo.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.util.TestSocketUtils;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.MetaSignalClient;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.hub.Hub;
import dev.realtime.hub.RawHubConnection;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.presence.UserCustomFields;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Users connected at runtime from the demo application to the reference hub in the same
 * process, on PostgreSQL: each with a JWT the application signs for it, its custom fields
 * shown to the users sharing a room with it, and its own streams both ways.
 */
@SpringBootTest(webEnvironment = WebEnvironment.DEFINED_PORT, properties = { "realtime.auto-connect=false",
		"realtime.hub.tokens.zed-token=zed", "realtime.hub.rooms.open=general,team" })
class ManyUsersEndToEndIntegrationTests extends PostgresSchemaSupport {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static int port;

	@Autowired
	RealtimeClients clients;

	@Autowired
	Hub hub;

	@Autowired
	JdbcTemplate jdbc;

	@Autowired
	Inbox inbox;

	@DynamicPropertySource
	static void fixedPort(DynamicPropertyRegistry registry) {
		// the clients' URL is set before the server starts, so the port is chosen here
		port = TestSocketUtils.findAvailableTcpPort();
		registry.add("server.port", () -> port);
		registry.add("realtime.url", () -> "ws://localhost:" + port + "/realtime");
	}

	@Test
	void customFieldsOfAUserAreShownToItsRoomMates() {
		RealtimeClient ann = this.clients.connectUser(new UserProfile("ann",
				Map.of("name", "Ann", "avatar", "https://example.org/ann.png"), PrivacySettings.SHARE_ALL));
		RealtimeClient ben = this.clients.connectUser(UserProfile.of("ben").withCustomFields(Map.of("name", "Ben")));
		await().atMost(WAIT).until(() -> this.clients.connectedUsers().containsAll(List.of("ann", "ben")));
		((MetaSignalClient) ann).sendMeta(MetaFrame.ROOM_JOIN, Map.of("room", "team"));
		((MetaSignalClient) ben).sendMeta(MetaFrame.ROOM_JOIN, Map.of("room", "team"));

		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.clients.presence("ben").getCustomFields("ann"))
				.map(UserCustomFields::customFields)
				.hasValue(Map.of("name", "Ann", "avatar", "https://example.org/ann.png")));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.clients.presence("ann").getCustomFields("ben"))
				.map(UserCustomFields::customFields)
				.hasValue(Map.of("name", "Ben")));

		// a change reaches the room mates at once, and the hub keeps it in its database
		this.clients.updateUser(UserProfile.of("ann").withCustomFields(Map.of("name", "Ann B.")));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(this.clients.presence("ben").getCustomFields("ann"))
				.map(UserCustomFields::customFields)
				.hasValue(Map.of("name", "Ann B.")));
		assertThat(this.jdbc.queryForObject("select custom from hub_user_profile where user_id = 'ann'", String.class))
			.isEqualTo("{\"name\":\"Ann B.\"}");
		this.clients.disconnectUser("ann", false);
		this.clients.disconnectUser("ben", false);
	}

	@Test
	void hubRefusesAProfileOverFiveKilobytesNamingTheField() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection zed = RawHubConnection.open(port, "zed", clientId, "zed-token")) {
			zed.send(new ResumeFrame(clientId, 0));
			zed.next(ResumeResponseFrame.class);
			zed.send(new MetaFrame(MetaFrame.USER_UPDATE,
					zed.codec().toPayload(Map.of("custom", Map.of("avatar", "x".repeat(6 * 1024))))));
			ErrorFrame error = zed.next(ErrorFrame.class);
			assertThat(error.code()).isEqualTo(ErrorFrame.INVALID_FRAME);
			assertThat(error.seq()).isNull();
			assertThat(error.message()).isEqualTo("user.update rejected: custom: 6157 bytes of JSON in total, at most "
					+ "5120 are allowed (largest: custom.avatar with 6146 bytes)");
			zed.send(new MetaFrame(MetaFrame.USER_UPDATE,
					zed.codec().toPayload(Map.of("privacy", Map.of("typing_indicators", "off")))));
			assertThat(zed.next(ErrorFrame.class).message())
				.isEqualTo("user.update rejected: privacy.typing_indicators: must be true or false");
		}
		assertThat(this.jdbc.queryForObject("select count(*) from hub_user_profile where user_id = 'zed'", Long.class))
			.isZero();
	}

	@Test
	void severalUsersEachSendAndReceiveEveryEventOnceInOrder() {
		List<String> users = List.of("u1", "u2", "u3", "u4", "u5");
		int events = 30;
		List<RealtimeClient> connected = new ArrayList<>();
		for (String user : users) {
			connected.add(this.clients.connectUser(UserProfile.of(user)));
		}
		await().atMost(WAIT).until(() -> this.clients.connectedUsers().containsAll(users));
		for (int i = 1; i <= events; i++) {
			for (RealtimeClient client : connected) {
				client.sendEvent("report.item", Map.of("n", i));
				this.hub.push(client.userId(), "work.item", Map.of("for", client.userId(), "n", i));
			}
		}
		List<Integer> inOrder = IntStream.rangeClosed(1, events).boxed().toList();
		await().atMost(WAIT).until(() -> users.stream().allMatch((user) -> this.inbox.received(user).size() >= events));
		await().atMost(WAIT)
			.until(() -> connected.stream()
				.allMatch((client) -> client.pendingCount() == 0
						&& this.hub.acceptedEvents(client.clientId()).size() == events));
		for (RealtimeClient client : connected) {
			assertThat(this.inbox.received(client.userId())).as(client.userId()).isEqualTo(inOrder);
			assertThat(this.hub.acceptedEvents(client.clientId())).as(client.userId())
				.extracting((event) -> event.payload().get("n").intValue())
				.isEqualTo(inOrder);
		}
		assertThat(this.inbox.misdelivered).isEmpty();
		users.forEach((user) -> this.clients.disconnectUser(user, true));
	}

	@TestConfiguration(proxyBeanMethods = false)
	static class Listeners {

		@Bean
		Inbox inbox() {
			return new Inbox();
		}

	}

	static class Inbox {

		private final Map<String, List<Integer>> received = new ConcurrentHashMap<>();

		final List<String> misdelivered = new CopyOnWriteArrayList<>();

		@RealtimeListener("work.item")
		void onWork(InboundMessage message, RealtimeClient client) {
			if (!client.userId().equals(message.payload().path("for").stringValue())) {
				this.misdelivered.add(client.userId() + " got " + message.payload());
			}
			received(client.userId()).add(message.payload().path("n").intValue());
		}

		List<Integer> received(String user) {
			return this.received.computeIfAbsent(user, (key) -> new CopyOnWriteArrayList<>());
		}

	}

}

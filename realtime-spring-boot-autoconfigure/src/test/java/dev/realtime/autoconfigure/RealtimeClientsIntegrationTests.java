package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.UserProfile;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.users.DefaultRealtimeClients;
import dev.realtime.users.RealtimeClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several users connected from one application to a real hub, each with its own token,
 * client id, outbound stream and inbound stream: every event arrives once and in order
 * per user, and {@code @RealtimeListener} methods learn whose event they handle.
 */
class RealtimeClientsIntegrationTests {

	private static final int EVENTS = 40;

	private static final List<String> USERS = List.of("bob", "carol", "dave@example");

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	@Test
	void everyUserSendsAndReceivesEachEventOnceInOrder() {
		List<String> everyone = new ArrayList<>(USERS);
		everyone.add("alice");
		// missed while offline: each user gets its own on resume
		for (String user : everyone) {
			for (int i = 1; i <= EVENTS; i++) {
				this.fixture.hub().store(user, "work.item", Map.of("for", user, "n", i));
			}
		}
		this.fixture.hub().acceptTokens((token) -> token.startsWith("token-of-"));
		UserTokenProvider tokens = (userId) -> "token-of-" + userId;
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RealtimeInboxAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimePresenceAutoConfiguration.class, RealtimeUsersAutoConfiguration.class))
			.withBean(UserTokenProvider.class, () -> tokens)
			.withBean(WorkListener.class)
			.withPropertyValues("realtime.url=" + this.fixture.hub().uri(), "realtime.user-id=alice",
					"realtime.auth.token=token-of-alice")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				RealtimeClients clients = context.getBean(RealtimeClients.class);
				List<RealtimeClient> connected = new ArrayList<>();
				for (String user : USERS) {
					connected.add(clients.connectUser(UserProfile.of(user)));
				}
				await().atMost(Duration.ofSeconds(20)).until(() -> clients.connectedUsers().containsAll(everyone));
				for (int i = 1; i <= EVENTS; i++) {
					for (RealtimeClient client : connected) {
						client.sendEvent("report.item", Map.of("from", client.userId(), "n", i));
					}
				}
				WorkListener listener = context.getBean(WorkListener.class);
				await().atMost(Duration.ofSeconds(20))
					.until(() -> everyone.stream().allMatch((user) -> listener.received(user).size() == EVENTS));
				await().atMost(Duration.ofSeconds(20))
					.until(() -> connected.stream().allMatch((client) -> client.pendingCount() == 0));
				List<Integer> inOrder = new ArrayList<>();
				for (int i = 1; i <= EVENTS; i++) {
					inOrder.add(i);
				}
				for (String user : everyone) {
					// once each, in the user's stream order, and only the user's own
					assertThat(listener.received(user)).as(user).isEqualTo(inOrder);
					assertThat(listener.wrongClient).isEmpty();
				}
				for (RealtimeClient client : connected) {
					assertThat(sentBy(client)).as(client.userId()).isEqualTo(inOrder);
				}
				assertThat(this.fixture.hub().presentedTokens()).contains("token-of-bob", "token-of-carol",
						"token-of-dave@example", "token-of-alice");
				clients.disconnectUser("bob", false);
				assertThat(connected.get(0).connectionState()).isEqualTo(ConnectionState.DISCONNECTED);
				assertThat(clients.connectedUsers()).containsExactlyInAnyOrder("alice", "carol", "dave@example");
			});
	}

	@Test
	void gatewayWithoutUserIdOpensNoConnectionUntilAUserIsConnected() {
		this.fixture.hub().acceptTokens((token) -> token.startsWith("token-of-"));
		UserTokenProvider tokens = (userId) -> "token-of-" + userId;
		gateway().withBean(UserTokenProvider.class, () -> tokens).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RealtimeClient.class);
			// started (auto-connect at its default) and connecting nothing
			assertThat(context.getBean(DefaultRealtimeClients.class).isRunning()).isTrue();
			await().during(Duration.ofSeconds(2))
				.atMost(Duration.ofSeconds(3))
				.until(() -> this.fixture.hub().handshakes() == 0);
			assertThat(this.fixture.hub().presentedTokens()).isEmpty();
			context.getBean(RealtimeClients.class).connectUser(UserProfile.of("bob"));
			await().atMost(Duration.ofSeconds(20)).until(() -> this.fixture.hub().handshakes() == 1);
			assertThat(this.fixture.hub().presentedTokens()).containsExactly("token-of-bob");
		});
	}

	@Test
	void gatewayWithoutUserIdSendsAndReceivesForItsTwoUsersOnly() {
		List<String> users = List.of("bob", "carol");
		for (String user : users) {
			for (int i = 1; i <= EVENTS; i++) {
				this.fixture.hub().store(user, "work.item", Map.of("for", user, "n", i));
			}
		}
		this.fixture.hub().acceptTokens((token) -> token.startsWith("token-of-"));
		UserTokenProvider tokens = (userId) -> "token-of-" + userId;
		gateway().withBean(UserTokenProvider.class, () -> tokens).withBean(WorkListener.class).run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean(RealtimeClient.class);
			RealtimeClients clients = context.getBean(RealtimeClients.class);
			List<RealtimeClient> connected = users.stream()
				.map((user) -> clients.connectUser(UserProfile.of(user)))
				.toList();
			await().atMost(Duration.ofSeconds(20)).until(() -> clients.connectedUsers().equals(Set.copyOf(users)));
			for (int i = 1; i <= EVENTS; i++) {
				for (RealtimeClient client : connected) {
					client.sendEvent("report.item", Map.of("from", client.userId(), "n", i));
				}
			}
			WorkListener listener = context.getBean(WorkListener.class);
			List<Integer> inOrder = IntStream.rangeClosed(1, EVENTS).boxed().toList();
			await().atMost(Duration.ofSeconds(20))
				.until(() -> users.stream().allMatch((user) -> listener.received(user).size() == EVENTS));
			await().atMost(Duration.ofSeconds(20))
				.until(() -> connected.stream().allMatch((client) -> client.pendingCount() == 0));
			for (String user : users) {
				assertThat(listener.received(user)).as(user).isEqualTo(inOrder);
			}
			assertThat(listener.wrongClient).isEmpty();
			assertThat(listener.received).containsOnlyKeys(users);
			for (RealtimeClient client : connected) {
				assertThat(sentBy(client)).as(client.userId()).isEqualTo(inOrder);
			}
			// the hub saw these two users and no one else: every event came from them
			assertThat(this.fixture.hub().accepted()).hasSize(2 * EVENTS)
				.extracting(EventFrame::clientId)
				.containsOnly(connected.get(0).clientId(), connected.get(1).clientId());
			assertThat(Set.copyOf(this.fixture.hub().presentedTokens())).containsExactlyInAnyOrder("token-of-bob",
					"token-of-carol");
			assertThat(this.fixture.hub().handshakes()).isEqualTo(2);
		});
	}

	/**
	 * A gateway that acts only for its signed-in users: no {@code realtime.user-id}, no
	 * {@code realtime.auth.*}, every other property at its default.
	 * @return the runner
	 */
	private ApplicationContextRunner gateway() {
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(RealtimeInboxAutoConfiguration.class,
					RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
					RealtimePresenceAutoConfiguration.class, RealtimeUsersAutoConfiguration.class))
			.withPropertyValues("realtime.url=" + this.fixture.hub().uri());
	}

	private List<Integer> sentBy(RealtimeClient client) {
		return this.fixture.hub()
			.accepted()
			.stream()
			.filter((frame) -> client.clientId().equals(frame.clientId()))
			.map(EventFrame::payload)
			.peek((payload) -> assertThat(payload.path("from").stringValue()).isEqualTo(client.userId()))
			.map((payload) -> payload.path("n").intValue())
			.toList();
	}

	static class WorkListener {

		final Map<String, List<Integer>> received = new ConcurrentHashMap<>();

		final List<String> wrongClient = new CopyOnWriteArrayList<>();

		@RealtimeListener("work.item")
		void onWork(InboundMessage message, RealtimeClient client) {
			if (!client.userId().equals(message.userId())
					|| !message.userId().equals(message.payload().path("for").stringValue())) {
				this.wrongClient.add(client.userId() + " got " + message);
			}
			received(message.userId()).add(message.payload().path("n").intValue());
		}

		List<Integer> received(String user) {
			return this.received.computeIfAbsent(user, (key) -> new CopyOnWriteArrayList<>());
		}

	}

}

package dev.realtime.hub;

import java.net.URI;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.ClientSettings;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.presence.PresenceManager;
import dev.realtime.presence.UserPresence;
import dev.realtime.privacy.PrivacyAnnouncer;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.PresenceStatus;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.receipts.InMemoryReceiptStore;
import dev.realtime.receipts.JdbcReceiptStore;
import dev.realtime.receipts.ReadReceipt;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.receipts.ReceiptStore;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.RealtimeSchema;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestDatabases;
import dev.realtime.typing.TypingEvent;
import dev.realtime.typing.TypingManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence, typing indicators, read receipts and privacy settings between real clients of
 * the library and the hub on PostgreSQL. Each test uses users of its own, since rooms and
 * presence live in the hub for the whole class.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.alice-token=alice",
				"realtime.hub.tokens.bob-token=bob", "realtime.hub.tokens.carol-token=carol",
				"realtime.hub.tokens.dave-token=dave", "realtime.hub.tokens.erin-token=erin",
				"realtime.hub.tokens.frank-token=frank", "realtime.hub.tokens.grace-token=grace",
				"realtime.hub.tokens.heidi-token=heidi", "realtime.hub.tokens.ivan-token=ivan" })
class PresenceTypingReceiptsEndToEndIntegrationTests extends PostgresSchemaSupport {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@LocalServerPort
	int port;

	@Autowired
	Hub hub;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
	}

	@Test
	void presenceGoesOnlineAwayOfflineAndIsAnnouncedAgainAfterAReconnect() {
		Peer alice = peer("alice", PrivacySettings.SHARE_ALL, new InMemoryReceiptStore());
		Peer bob = peer("bob", PrivacySettings.SHARE_ALL, new InMemoryReceiptStore());
		List<PresenceStatus> bobSeenByAlice = new CopyOnWriteArrayList<>();
		alice.presence.onPresenceChange((presence) -> {
			if (presence.userId().equals("bob")) {
				bobSeenByAlice.add(presence.status());
			}
		});
		alice.connectAndJoin("lobby");
		bob.connectAndJoin("lobby");
		await().atMost(WAIT).until(() -> alice.presence.isOnline("bob") && bob.presence.isOnline("alice"));

		bob.presence.updatePresence(PresenceStatus.AWAY, Map.of("text", "lunch"));
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(alice.presence.getPresence("bob")).hasValueSatisfying((presence) -> {
				assertThat(presence.status()).isEqualTo(PresenceStatus.AWAY);
				assertThat(presence.metadata()).containsEntry("text", "lunch");
				assertThat(presence.isOnline()).isTrue();
			}));

		// the hub cuts bob's only connection: offline, then his own status again once
		// reconnected
		assertThat(this.hub.closeSessions("bob", CloseCodes.GOING_AWAY, "test")).isEqualTo(1);
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(bobSeenByAlice).containsSubsequence(PresenceStatus.AWAY,
					PresenceStatus.OFFLINE, PresenceStatus.AWAY));
		assertThat(alice.presence.getPresence("bob").map(UserPresence::metadata).orElseThrow()).containsEntry("text",
				"lunch");

		bob.client.disconnect();
		await().atMost(WAIT).until(() -> !alice.presence.isOnline("bob"));
		assertThat(alice.presence.getPresence("bob").map(UserPresence::status)).hasValue(PresenceStatus.OFFLINE);
		assertThat(alice.presence.getAllPresence()).containsOnlyKeys("bob");
	}

	@Test
	void typingUserIsShownThenExpiresWithoutANewStart() {
		Peer carol = peer("carol", PrivacySettings.SHARE_ALL, new InMemoryReceiptStore());
		Peer dave = peer("dave", PrivacySettings.SHARE_ALL, new InMemoryReceiptStore());
		List<TypingEvent> events = new CopyOnWriteArrayList<>();
		carol.typing.onTypingChange(events::add);
		carol.connectAndJoin("design");
		dave.connectAndJoin("design");
		awaitMembers("design", "carol", "dave");

		assertThat(dave.typing.sendTypingIndicator("design", true)).succeedsWithin(WAIT).isEqualTo(true);
		// within the throttle interval: not sent again
		assertThat(dave.typing.sendTypingIndicator("design", true)).succeedsWithin(WAIT).isEqualTo(false);
		await().atMost(WAIT).until(() -> carol.typing.getTypingUsers("design").contains("dave"));
		assertThat(dave.typing.getTypingUsers("design")).isEmpty();

		// no stop and no new start: expires after the (short) expiry of this test
		await().atMost(WAIT).until(() -> carol.typing.getTypingUsers("design").isEmpty());
		await().atMost(WAIT)
			.untilAsserted(() -> assertThat(events).containsExactly(new TypingEvent("design", "dave", true),
					new TypingEvent("design", "dave", false)));

		// a stop lifts the throttle and removes the typist at once
		assertThat(dave.typing.sendTypingIndicator("design", false)).succeedsWithin(WAIT).isEqualTo(true);
		assertThat(dave.typing.sendTypingIndicator("design", true)).succeedsWithin(WAIT).isEqualTo(true);
		await().atMost(WAIT).until(() -> carol.typing.getTypingUsers("design").contains("dave"));
		assertThat(dave.typing.sendTypingIndicator("design", false)).succeedsWithin(WAIT).isEqualTo(true);
		await().atMost(WAIT).until(() -> carol.typing.getTypingUsers("design").isEmpty());
	}

	@Test
	void receiptIsDeliveredToTheOtherMemberAndSurvivesTheirClientsRestart() throws Exception {
		TestDatabases.Isolated database = TestDatabases.postgres().createIsolated("receipts");
		this.closeables.add(database);
		DataSource dataSource = migrated(database);
		Peer erin = peer("erin", PrivacySettings.SHARE_ALL, jdbcReceipts(dataSource));
		Peer frank = peer("frank", PrivacySettings.SHARE_ALL, jdbcReceipts(dataSource));
		List<ReadReceipt> received = new CopyOnWriteArrayList<>();
		erin.receipts.onReadReceipt(received::add);
		erin.connectAndJoin("ops");
		frank.connectAndJoin("ops");
		awaitMembers("ops", "erin", "frank");

		assertThat(frank.receipts.sendReadReceipt("m-1", "ops"))
			.hasValueSatisfying((handle) -> assertThat(handle.acknowledged()).succeedsWithin(WAIT));
		await().atMost(WAIT).untilAsserted(() -> assertThat(received).singleElement().satisfies((receipt) -> {
			assertThat(receipt.messageId()).isEqualTo("m-1");
			assertThat(receipt.channelId()).isEqualTo("ops");
			assertThat(receipt.userId()).isEqualTo("frank");
		}));
		assertThat(erin.receipts.hasUserRead("m-1", "frank")).isTrue();
		assertThat(frank.receipts.hasUserRead("m-1", "frank")).isTrue();

		// restart: erin's client, manager and store go away; the database stays
		erin.close();
		Peer erinAgain = peer("erin", PrivacySettings.SHARE_ALL, jdbcReceipts(migrated(database)));
		assertThat(erinAgain.receipts.getReceipts("m-1")).extracting(ReadReceipt::userId).containsExactly("frank");
		assertThat(erinAgain.receipts.hasUserRead("m-1", "frank")).isTrue();
		assertThat(erinAgain.receipts.hasUserRead("m-1", "dave")).isFalse();

		// a new client_id replays the stream: the receipt is not stored twice
		List<InboundMessage> replayed = erinAgain.inbox();
		erinAgain.connect();
		await().atMost(WAIT).until(() -> replayed.stream().anyMatch((m) -> m.event().equals("receipt.read")));
		assertThat(erinAgain.receipts.getReceipts("m-1")).hasSize(1);
	}

	@Test
	void privateUsersTypingAndReceiptsNeverReachOthersWhileOthersDo() {
		Peer grace = peer("grace", new PrivacySettings(false, false), new InMemoryReceiptStore());
		Peer heidi = peer("heidi", PrivacySettings.SHARE_ALL, new InMemoryReceiptStore());
		Peer ivan = peer("ivan", PrivacySettings.SHARE_ALL, new InMemoryReceiptStore());
		List<TypingEvent> typingSeenByIvan = new CopyOnWriteArrayList<>();
		ivan.typing.onTypingChange(typingSeenByIvan::add);
		List<InboundMessage> ivanInbox = ivan.inbox();
		ivan.connectAndJoin("secret");
		heidi.connectAndJoin("secret");
		grace.connectAndJoin("secret");
		// grace's presence went out after her privacy settings, on the same connection
		await().atMost(WAIT).until(() -> ivan.presence.isOnline("grace") && ivan.presence.isOnline("heidi"));

		// the library sends nothing for her
		assertThat(grace.typing.sendTypingIndicator("secret", true)).succeedsWithin(WAIT).isEqualTo(false);
		assertThat(grace.receipts.sendReadReceipt("m-2", "secret")).isEmpty();
		// nor does the hub fan out what a client sends regardless
		assertThat(grace.client.sendMeta(MetaFrame.TYPING_START, Map.of("channel_id", "secret"))).succeedsWithin(WAIT)
			.isEqualTo(true);
		assertThat(grace.client.sendEvent(EventFrame.RECEIPT_READ, Map.of("message_id", "m-2", "channel_id", "secret"))
			.acknowledged()).succeedsWithin(WAIT);
		// sent after them on the same connection: once ivan has it, anything of hers
		// would be there
		grace.client.sendEvent("chat.message", Map.of("room", "secret", "text", "marker"));

		// positive control: heidi shares both
		assertThat(heidi.typing.sendTypingIndicator("secret", true)).succeedsWithin(WAIT).isEqualTo(true);
		assertThat(heidi.receipts.sendReadReceipt("m-2", "secret")).isPresent();

		await().atMost(WAIT)
			.until(() -> ivan.receipts.hasUserRead("m-2", "heidi")
					&& ivanInbox.stream().anyMatch((m) -> m.event().equals("chat.message")));
		await().atMost(WAIT).until(() -> typingSeenByIvan.contains(new TypingEvent("secret", "heidi", true)));
		assertThat(ivan.receipts.hasUserRead("m-2", "grace")).isFalse();
		assertThat(ivan.receipts.getReceipts("m-2")).extracting(ReadReceipt::userId).containsExactly("heidi");
		assertThat(typingSeenByIvan).extracting(TypingEvent::userId).doesNotContain("grace");
		assertThat(ivanInbox).filteredOn((m) -> m.event().equals(EventFrame.RECEIPT_READ))
			.extracting((m) -> m.payload().get("user_id").stringValue())
			.containsExactly("heidi");
	}

	private void awaitMembers(String room, String... users) {
		await().atMost(WAIT).until(() -> this.hub.roomMembers(room).containsAll(List.of(users)));
	}

	private Peer peer(String user, PrivacySettings privacy, ReceiptStore receipts) {
		ClientSettings settings = ClientSettings.builder(URI.create("ws://localhost:" + this.port + "/realtime"), user)
			// reconnects after the hub's deliberate cuts are shortened so the test takes
			// seconds; the default backoff (1 s, 20 % jitter, up to 30 s) is proven by
			// ThunderingHerdTests and the delivery tests in dev.realtime.demo.delivery,
			// which run at the defaults
			.reconnect(new ExponentialBackoff(Duration.ofMillis(100), Duration.ofMillis(500), 0.2), -1)
			.build();
		DefaultRealtimeClient client = TestClients.create(settings, user + "-token");
		Peer peer = new Peer(client, new PrivacyAnnouncer(client, privacy),
				new PresenceManager(client, new FrameCodec().mapper(), Clock.systemUTC()),
				new TypingManager(client, privacy, Duration.ofMillis(400), Duration.ofSeconds(2), Clock.systemUTC()),
				new ReadReceiptManager(client, receipts, privacy, Clock.systemUTC()));
		this.closeables.add(peer);
		return peer;
	}

	private static ReceiptStore jdbcReceipts(DataSource dataSource) {
		return new JdbcReceiptStore(dataSource, new TransactionTemplate(new DataSourceTransactionManager(dataSource)));
	}

	private static DataSource migrated(TestDatabases.Isolated database) throws SQLException {
		SimpleDriverDataSource dataSource = new SimpleDriverDataSource(DriverManager.getDriver(database.url()),
				database.url(), database.server().username(), database.server().password());
		RealtimeSchema.migrate(dataSource);
		return dataSource;
	}

	/**
	 * One user's client with its presence, typing and receipt managers.
	 */
	private record Peer(DefaultRealtimeClient client, PrivacyAnnouncer privacy, PresenceManager presence,
			TypingManager typing, ReadReceiptManager receipts) implements AutoCloseable {

		void connect() {
			TestClients.connect(this.client, WAIT);
		}

		void connectAndJoin(String room) {
			connect();
			this.client.sendMeta(MetaFrame.ROOM_JOIN, Map.of("room", room));
		}

		List<InboundMessage> inbox() {
			return TestClients.inbox(this.client);
		}

		@Override
		public void close() {
			this.receipts.close();
			this.typing.close();
			this.presence.close();
			this.privacy.close();
			this.client.close();
		}

	}

}

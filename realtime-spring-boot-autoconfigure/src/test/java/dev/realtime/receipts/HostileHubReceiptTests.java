package dev.realtime.receipts;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Read receipts whose ids no receipt store could keep: refused when the application sends
 * them, skipped when a hub relays them, so they neither half-send nor hold up the user's
 * inbound stream with retries of an event that can never be stored.
 */
class HostileHubReceiptTests {

	private static final String LONGEST = "m".repeat(ChannelFields.MAX_ID_LENGTH);

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private final ReceiptStore store = new InMemoryReceiptStore();

	private ReadReceiptManager receipts;

	@AfterEach
	void close() {
		if (this.receipts != null) {
			this.receipts.close();
		}
	}

	@Test
	void relayedReceiptsWhoseIdsBreakTheRuleAreSkippedAndTheStreamGoesOn() {
		this.fixture.hub().store("alice", EventFrame.RECEIPT_READ, receipt(LONGEST + "m", "general", "bob"));
		this.fixture.hub().store("alice", EventFrame.RECEIPT_READ, receipt("m-2", "gen\0eral", "bob"));
		this.fixture.hub().store("alice", EventFrame.RECEIPT_READ, receipt("m-3", "general", "Bob"));
		this.fixture.hub().store("alice", EventFrame.RECEIPT_READ, Map.of("message_id", "m-4", "channel_id", 7));
		this.fixture.hub().store("alice", EventFrame.RECEIPT_READ, receipt(LONGEST, "general", "bob"));
		DefaultRealtimeClient client = TestClients
			.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		this.receipts = new ReadReceiptManager(client, this.store, PrivacySettings.SHARE_ALL, Clock.systemUTC());
		List<ReadReceipt> heard = new CopyOnWriteArrayList<>();
		this.receipts.onReadReceipt(heard::add);
		this.fixture.connect(client);
		await().until(() -> !heard.isEmpty());
		assertThat(heard).extracting(ReadReceipt::messageId).containsExactly(LONGEST);
		assertThat(this.receipts.hasUserRead(LONGEST, "bob")).isTrue();
		for (String skipped : new String[] { LONGEST + "m", "m-2", "m-3", "m-4" }) {
			assertThat(this.receipts.getReceipts(skipped)).isEmpty();
		}
		assertThat(client.metrics().invalidFrames()).as("each skipped receipt counted").isEqualTo(4);
	}

	@Test
	void receiptsWhoseIdsBreakTheRuleAreRefusedBeforeAnythingIsSent() {
		DefaultRealtimeClient client = this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		this.receipts = new ReadReceiptManager(client, this.store, PrivacySettings.SHARE_ALL, Clock.systemUTC());
		assertThatIllegalArgumentException().isThrownBy(() -> this.receipts.sendReadReceipt(LONGEST + "m", "general"))
			.withMessage("Message id must be 1 to 255 characters, none of them NUL, not 256 characters");
		assertThatIllegalArgumentException().isThrownBy(() -> this.receipts.sendReadReceipt("m-1", "gen\0eral"))
			.withMessage("Channel id must be 1 to 255 characters, none of them NUL, not 8 characters with a NUL");
		this.receipts.sendReadReceipt(LONGEST, "general");
		await().until(() -> !this.fixture.hub().accepted().isEmpty());
		assertThat(this.fixture.hub().received()).extracting((event) -> event.payload().path("message_id").asString())
			.containsExactly(LONGEST);
		assertThat(this.store.findByMessage("alice", LONGEST + "m")).isEmpty();
		assertThat(this.store.findByMessage("alice", "m-1")).isEmpty();
	}

	private static Map<String, String> receipt(String messageId, String channelId, String userId) {
		return Map.of("message_id", messageId, "channel_id", channelId, "user_id", userId);
	}

}

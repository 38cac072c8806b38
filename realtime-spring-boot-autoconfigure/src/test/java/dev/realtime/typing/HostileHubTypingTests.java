package dev.realtime.typing;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.ChannelFields;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Typing announcements from a hub whose user or channel ids break the protocol's rules
 * are dropped, and however many typists a hub announces, the client keeps a bounded
 * number.
 */
class HostileHubTypingTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private DefaultRealtimeClient client;

	private TypingManager typing;

	@AfterEach
	void close() {
		if (this.typing != null) {
			this.typing.close();
		}
	}

	@Test
	void typingOfUserIdsThatAreNoUserIdsIsDropped() {
		this.typing = connectAlice(Duration.ofSeconds(5));
		for (String userId : new String[] { "\"Bob\"", "\"\"", "\"" + "b".repeat(129) + "\"", "\"b b\"", "5" }) {
			this.fixture.hub().sendRaw(typingStart(userId));
		}
		this.fixture.hub().sendRaw(typingStart("\"bob\""));
		await().until(() -> this.typing.getTypingUsers("general").contains("bob"));
		assertThat(this.typing.getTypingUsers("general")).containsExactly("bob");
		assertThat(this.client.metrics().invalidFrames()).as("each dropped announcement counted").isEqualTo(5);
	}

	@Test
	void typingInChannelsWhoseIdsBreakTheRuleIsDropped() {
		this.typing = connectAlice(Duration.ofSeconds(5));
		String longest = "c".repeat(ChannelFields.MAX_ID_LENGTH);
		this.fixture.hub().sendRaw(typingStart("\"bob\"", longest + "c"));
		this.fixture.hub().sendRaw(typingStart("\"bob\"", "gen\\u0000eral"));
		this.fixture.hub().sendRaw(typingStart("\"bob\"", longest));
		await().until(() -> this.typing.getTypingUsers(longest).contains("bob"));
		assertThat(this.typing.getTypingUsers(longest + "c")).isEmpty();
		assertThat(this.typing.getTypingUsers("gen\0eral")).isEmpty();
		assertThat(this.client.metrics().invalidFrames()).as("each dropped announcement counted").isEqualTo(2);
		assertThatIllegalArgumentException().isThrownBy(() -> this.typing.sendTypingIndicator(longest + "c", true))
			.withMessage("Channel id must be 1 to 255 characters, none of them NUL, not 256 characters");
	}

	@Test
	void keepsAtMostTheMaximumOfTypistsAndMakesRoomAsTheyStop() {
		// an expiry longer than the test, so that none of the typists leaves by itself
		this.typing = connectAlice(Duration.ofMinutes(10));
		int perMessage = 1000;
		for (int first = 0; first < TypingManager.MAX_TYPISTS; first += perMessage) {
			StringBuilder frames = new StringBuilder("[");
			for (int user = first; user < first + perMessage; user++) {
				frames.append((user > first) ? "," : "").append(typingStart("\"u" + user + "\"", "general"));
			}
			this.fixture.hub().sendRaw(frames.append(']').toString());
		}
		await().until(() -> this.typing.getTypingUsers("general").size() == TypingManager.MAX_TYPISTS);
		this.fixture.hub().sendRaw(typingStart("\"carol\"", "other"));
		this.fixture.hub().sendRaw(typingStop("\"u0\"", "general"));
		await().until(() -> !this.typing.getTypingUsers("general").contains("u0"));
		assertThat(this.typing.getTypingUsers("other")).isEmpty();
		this.fixture.hub().sendRaw(typingStart("\"dave\"", "other"));
		await().until(() -> this.typing.getTypingUsers("other").contains("dave"));
		assertThat(this.typing.getTypingUsers("general")).hasSize(TypingManager.MAX_TYPISTS - 1);
	}

	private TypingManager connectAlice(Duration expiry) {
		this.client = this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		return new TypingManager(this.client, PrivacySettings.SHARE_ALL, expiry, Duration.ofSeconds(2),
				Clock.systemUTC());
	}

	private static String typingStart(String userIdJson) {
		return typingStart(userIdJson, "general");
	}

	private static String typingStart(String userIdJson, String channelId) {
		return typing("typing.start", userIdJson, channelId);
	}

	private static String typingStop(String userIdJson, String channelId) {
		return typing("typing.stop", userIdJson, channelId);
	}

	private static String typing(String event, String userIdJson, String channelId) {
		return "{\"type\":\"meta\",\"event\":\"" + event + "\",\"payload\":{\"channel_id\":\"" + channelId
				+ "\",\"user_id\":" + userIdJson + "}}";
	}

}

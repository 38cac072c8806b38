package dev.realtime.typing;

import java.time.Clock;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.PrivacySettings;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Typing announcements from a hub whose user ids are no user ids are dropped.
 */
class HostileHubTypingTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private TypingManager typing;

	@AfterEach
	void close() {
		if (this.typing != null) {
			this.typing.close();
		}
	}

	@Test
	void typingOfUserIdsThatAreNoUserIdsIsDropped() {
		DefaultRealtimeClient client = this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		this.typing = new TypingManager(client, PrivacySettings.SHARE_ALL, Duration.ofSeconds(5), Duration.ofSeconds(2),
				Clock.systemUTC());
		for (String userId : new String[] { "\"Bob\"", "\"\"", "\"" + "b".repeat(129) + "\"", "\"b b\"", "5" }) {
			this.fixture.hub().sendRaw(typingStart(userId));
		}
		this.fixture.hub().sendRaw(typingStart("\"bob\""));
		await().until(() -> this.typing.getTypingUsers("general").contains("bob"));
		assertThat(this.typing.getTypingUsers("general")).containsExactly("bob");
	}

	private static String typingStart(String userIdJson) {
		return "{\"type\":\"meta\",\"event\":\"typing.start\",\"payload\":{\"channel_id\":\"general\",\"user_id\":"
				+ userIdJson + "}}";
	}

}

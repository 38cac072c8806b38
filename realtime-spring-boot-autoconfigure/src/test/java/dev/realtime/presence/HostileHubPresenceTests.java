package dev.realtime.presence;

import java.time.Clock;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.PresenceStatus;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Presence and profile announcements from a hub that sends what no honest hub sends: user
 * ids that are no user ids, and ever new users. They are dropped, and the users kept stay
 * bounded, while announcements of known users still apply.
 */
class HostileHubPresenceTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private DefaultRealtimeClient client;

	private PresenceManager presence;

	@BeforeEach
	void connect() {
		this.client = TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		this.presence = new PresenceManager(this.client, new JsonMapper(), Clock.systemUTC());
		this.fixture.connect(this.client);
	}

	@Test
	void announcementsOfUserIdsThatAreNoUserIdsAreDropped() {
		for (String userId : new String[] { "\"Bob\"", "\"\"", "\"" + "b".repeat(129) + "\"", "\"b b\"", "5",
				"null" }) {
			this.fixture.hub().sendRaw(presenceUpdate(userId, "online"));
			this.fixture.hub()
				.sendRaw("{\"type\":\"meta\",\"event\":\"user.updated\",\"payload\":{\"user_id\":" + userId
						+ ",\"custom\":{\"name\":\"x\"}}}");
		}
		this.fixture.hub().sendRaw(presenceUpdate("\"bob\"", "online"));
		await().until(() -> this.presence.isOnline("bob"));
		assertThat(this.presence.getAllPresence()).containsOnlyKeys("bob");
		assertThat(this.presence.getCustomFields("Bob")).isEmpty();
		assertThat(this.client.metrics().invalidFrames()).as("each dropped announcement counted").isEqualTo(12);
	}

	@Test
	void theUsersKeptAreBoundedAndKnownOnesStillChange() {
		int batch = 2_000;
		for (int from = 0; from < PresenceManager.MAX_KNOWN_USERS; from += batch) {
			this.fixture.hub()
				.sendRaw(IntStream.range(from, from + batch)
					.mapToObj((i) -> presenceUpdate("\"u" + i + "\"", "online"))
					.collect(Collectors.joining(",", "[", "]")));
		}
		await().until(() -> this.presence.getAllPresence().size() == PresenceManager.MAX_KNOWN_USERS);

		this.fixture.hub().sendRaw(presenceUpdate("\"newcomer\"", "online"));
		this.fixture.hub().sendRaw(presenceUpdate("\"u0\"", "away"));
		await()
			.until(() -> this.presence.getPresence("u0").map(UserPresence::status).orElse(null) == PresenceStatus.AWAY);
		assertThat(this.presence.getAllPresence()).hasSize(PresenceManager.MAX_KNOWN_USERS)
			.doesNotContainKey("newcomer");
		assertThat(this.client.metrics().invalidFrames()).as("a user beyond the bound breaks no rule").isZero();
	}

	private static String presenceUpdate(String userIdJson, String status) {
		return "{\"type\":\"meta\",\"event\":\"presence.update\",\"payload\":{\"user_id\":" + userIdJson
				+ ",\"status\":\"" + status + "\"}}";
	}

}

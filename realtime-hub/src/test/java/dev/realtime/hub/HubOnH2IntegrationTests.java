package dev.realtime.hub;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The demo's default setup, an embedded H2 database (in memory here), runs the same
 * migrations and the same SQL as PostgreSQL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT, properties = { "realtime.auto-connect=false",
		"spring.datasource.url=jdbc:h2:mem:hub-${random.uuid};DB_CLOSE_DELAY=-1" })
class HubOnH2IntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Test
	void acceptsDeduplicatesAndResumesOnH2() throws Exception {
		this.hub.push("alice", "note.pushed", Map.of("n", 1));
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection alice = RawHubConnection.open(this.port, "alice", clientId, "alice-token")) {
			alice.send(new ResumeFrame(clientId, 0));
			ResumeResponseFrame response = alice.next(ResumeResponseFrame.class);
			assertThat(response.events()).extracting(EventFrame::seq).containsExactly(1L);
			EventFrame event = new EventFrame(1L, clientId, "k1", "chat.message",
					alice.codec().toPayload(Map.of("text", "hi", "room", "general")), null);
			alice.send(event);
			assertThat(alice.next(AckFrame.class).ackSeq()).isEqualTo(1);
			assertThat(alice.next(EventFrame.class).seq()).isEqualTo(2);
			alice.send(event);
			assertThat(alice.next(AckFrame.class).ackSeq()).isEqualTo(1);
		}
		assertThat(this.hub.acceptedEvents(clientId)).singleElement()
			.satisfies((accepted) -> assertThat(accepted.payload().get("text").stringValue()).isEqualTo("hi"));
		assertThat(this.hub.purgeExpired()).isZero();
	}

}

package dev.realtime.hub;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.EventFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hub wraps its WebSocket handler in every {@code WebSocketHandlerDecoratorFactory}
 * bean: the hook the test kit's fault controls and {@link HubTap} use.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false",
				"spring.datasource.url=jdbc:h2:mem:hub-${random.uuid};DB_CLOSE_DELAY=-1" })
@Import(HubTap.class)
class HubHandlerDecoratorIntegrationTests {

	@LocalServerPort
	int port;

	@Autowired
	HubTap tap;

	@Test
	void handsEveryMessageToTheDecoratorBeforeTheHub() throws Exception {
		String clientId = UUID.randomUUID().toString();
		try (RawHubConnection alice = RawHubConnection.open(this.port, "alice", clientId, "alice-token")) {
			alice.send(new EventFrame(1L, clientId, "k1", "chat.message",
					alice.codec().toPayload(Map.of("text", "hi", "room", "general")), null));
			assertThat(alice.next(AckFrame.class).ackSeq()).isEqualTo(1);
		}
		HubTap.Traffic traffic = this.tap.traffic("alice");
		assertThat(traffic.connectionsOpened()).isEqualTo(1);
		assertThat(traffic.messageBytes()).singleElement().satisfies((bytes) -> assertThat(bytes).isPositive());
	}

}

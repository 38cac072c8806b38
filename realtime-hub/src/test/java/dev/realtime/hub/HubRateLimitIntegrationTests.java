package dev.realtime.hub;

import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that floods the hub is closed with 4008 while another user goes on
 * undisturbed. The limit is lowered (200 messages/s, burst 400) so a flood trips it
 * within a fraction of a second even on a slow CI machine; the default limits are covered
 * by {@link HubRateLimiterTests} on a controlled clock.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.flood-token=flooder",
				"realtime.hub.tokens.calm-token=calm", "realtime.hub.rate-limit.messages-per-second=200",
				"realtime.hub.rate-limit.burst=400" })
class HubRateLimitIntegrationTests extends PostgresSchemaSupport {

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Test
	void aFloodingClientIsClosedWith4008AndOthersAreUnaffected() throws Exception {
		String floodId = UUID.randomUUID().toString();
		String calmId = UUID.randomUUID().toString();
		try (RawHubConnection flooder = RawHubConnection.open(this.port, "flooder", floodId, "flood-token");
				RawHubConnection calm = RawHubConnection.open(this.port, "calm", calmId, "calm-token")) {
			calm.send(new ResumeFrame(calmId, 0));
			calm.next(ResumeResponseFrame.class);
			AtomicInteger sent = new AtomicInteger();
			CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
				try {
					for (int i = 0; i < 5000; i++) {
						flooder.send("{\"type\":\"meta\",\"event\":\"ping\"}");
						sent.incrementAndGet();
					}
				}
				catch (Exception ex) {
					// closed by the hub mid-flood: expected
				}
			});
			// the calm user's events and heartbeats go through during the flood
			for (int seq = 1; seq <= 20; seq++) {
				calm.send("{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"k" + seq
						+ "\",\"event\":\"note.saved\",\"payload\":{}}");
				assertThat(calm.next(AckFrame.class).ackSeq()).isEqualTo(seq);
				assertThat(calm.next(EventFrame.class).seq()).isEqualTo(seq);
			}
			assertThat(flooder.awaitClose().getCode()).isEqualTo(CloseCodes.RATE_LIMITED);
			flood.get(30, TimeUnit.SECONDS);
			assertThat(sent.get()).isGreaterThan(400);
			calm.send("{\"type\":\"meta\",\"event\":\"ping\"}");
			assertThat(calm.next(MetaFrame.class).event()).isEqualTo(MetaFrame.PONG);
		}
		assertThat(this.hub.acceptedEvents(calmId)).hasSize(20);
		// the flooder may come back and is served normally
		try (RawHubConnection flooder = RawHubConnection.open(this.port, "flooder", floodId, "flood-token")) {
			flooder.send("{\"type\":\"meta\",\"event\":\"ping\"}");
			assertThat(flooder.next(MetaFrame.class).event()).isEqualTo(MetaFrame.PONG);
		}
	}

}

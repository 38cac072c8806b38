package dev.realtime.hub;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.socket.CloseStatus;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.PostgresSchemaSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-connection rate limits at their defaults, on PostgreSQL: a client flooding the
 * hub with one-event frames is closed with 4008, and meanwhile every event of another
 * user's quiet connection, one every 100 ms, is acked. Nothing the flooder was acked is
 * lost and nothing after the close is processed.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.hub.tokens.flood-token=flooder", "realtime.hub.tokens.calm-token=calm" })
class HubRateLimitIntegrationTests extends PostgresSchemaSupport {

	private static final int FLOOD = 20_000;

	@LocalServerPort
	int port;

	@Autowired
	DefaultHub hub;

	@Test
	void aFloodOfOneEventFramesIsClosedWith4008WhileAQuietConnectionHasEveryEventAcked() throws Exception {
		String floodId = UUID.randomUUID().toString();
		String calmId = UUID.randomUUID().toString();
		ScheduledExecutorService quietPace = Executors.newSingleThreadScheduledExecutor();
		try (RawHubConnection flooder = RawHubConnection.open(this.port, "flooder", floodId, "flood-token");
				RawHubConnection calm = RawHubConnection.open(this.port, "calm", calmId, "calm-token")) {
			calm.send(new ResumeFrame(calmId, 0));
			calm.next(ResumeResponseFrame.class);
			// as fast as the socket takes them
			CompletableFuture<Integer> flood = CompletableFuture.supplyAsync(() -> {
				int sent = 0;
				try {
					for (; sent < FLOOD; sent++) {
						flooder.send(event(sent + 1));
					}
				}
				catch (Exception ex) {
					// closed by the hub mid-flood: expected
				}
				return sent;
			});
			// one event every 100 ms on the quiet connection until the flooder is closed
			AtomicInteger quietSent = new AtomicInteger();
			quietPace.scheduleAtFixedRate(() -> {
				try {
					calm.send(event(quietSent.get() + 1));
					quietSent.incrementAndGet();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}, 0, 100, TimeUnit.MILLISECONDS);

			CloseStatus closed = flooder.awaitClose();
			quietPace.shutdown();
			assertThat(quietPace.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			assertThat(closed.getCode()).isEqualTo(CloseCodes.RATE_LIMITED);
			assertThat(flood.get(30, TimeUnit.SECONDS)).isGreaterThan(new HubProperties().getRateLimit().getBurst());

			// every quiet event is acked (the hub pushes each back: the user's own
			// stream)
			int quiet = quietSent.get();
			assertThat(quiet).isPositive();
			long acked = 0;
			while (acked < quiet) {
				Frame frame = calm.next(Frame.class);
				if (frame instanceof AckFrame ack) {
					acked = ack.ackSeq();
				}
				else {
					assertThat(frame).isInstanceOf(EventFrame.class);
				}
			}
			assertThat(this.hub.acceptedEvents(calmId)).hasSize(quiet);
		}
		finally {
			quietPace.shutdownNow();
		}
		// the flooder's events were processed in order up to the close, and none after
		List<Long> floodSeqs = this.hub.acceptedEvents(floodId).stream().map(AcceptedEvent::seq).toList();
		assertThat(floodSeqs).isNotEmpty().hasSizeLessThan(FLOOD);
		assertThat(floodSeqs).containsExactlyElementsOf(LongStream.rangeClosed(1, floodSeqs.size()).boxed().toList());
	}

	private static String event(int seq) {
		return "{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"k" + seq
				+ "\",\"event\":\"note.saved\",\"payload\":{\"text\":\"hello\"}}";
	}

}

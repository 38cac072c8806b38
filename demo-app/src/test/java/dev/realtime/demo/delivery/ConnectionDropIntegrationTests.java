package dev.realtime.demo.delivery;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.EventRejectedException;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.HubTap;
import dev.realtime.outbox.OutboxDeadLetter;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.protocol.CloseCodes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Connection drops never cost an event: an event in flight and unacked across more drops
 * than the former attempts limit, and 5,000 events flowing through 50 drops, are all
 * delivered once, in order, with no dead letter. Only the hub's rejection of an event (an
 * {@code error} with its seq) dead-letters it, and the stream goes on past it. The hub
 * runs in this JVM with a tap that withholds one event; the client is a separate
 * application context with its JPA outbox on PostgreSQL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.held=held",
				"realtime.hub.tokens.flowing=flowing", "realtime.hub.tokens.rejected=rejected" })
@Import(HubTap.class)
class ConnectionDropIntegrationTests extends ClientAgainstHubSupport {

	/**
	 * The attempts limit the client had before the redesign, set low so that this test
	 * proves drops are not counted; the redesigned client has no such property and
	 * ignores it.
	 */
	private static final int FORMER_MAX_ATTEMPTS = 5;

	@Autowired
	private HubTap tap;

	@Test
	void eventInFlightAcrossMoreDropsThanTheFormerAttemptsLimitIsDeliveredOnce() {
		RealtimeClient realtime = startClient("held");
		String key = "held-" + UUID.randomUUID();
		int drops = FORMER_MAX_ATTEMPTS + 1;
		this.tap.holdKey(key, drops);
		SendHandle handle = realtime.sendEvent("drop.item", Map.of("i", 1), SendOptions.defaults().idempotencyKey(key));
		for (int drop = 1; drop <= drops; drop++) {
			int sent = drop;
			// the event reached the hub on this connection and was not acked: close it
			// under the client
			await("arrival " + sent + " of the held event").atMost(Duration.ofSeconds(30))
				.until(() -> this.tap.heldCount(key), (count) -> count >= sent);
			await().until(() -> this.hub.closeSessions("held", CloseCodes.GOING_AWAY, "dropped by the test") > 0);
		}
		handle.acknowledged().orTimeout(30, TimeUnit.SECONDS).join();
		assertThat(this.tap.heldCount(key)).isEqualTo(drops);
		assertThat(accepted(realtime)).extracting(AcceptedEvent::idempotencyKey).containsExactly(key);
		assertThat(deadLetters().count("held")).isZero();
		assertThat(realtime.pendingCount()).isZero();
	}

	@Test
	void fiveThousandEventsThroughFiftyDropsAreDeliveredOnceInOrder() {
		RealtimeClient realtime = startClient("flowing");
		TransactionTemplate transactions = client().getBean(TransactionTemplate.class);
		int rounds = 50;
		int perRound = 100;
		for (int round = 0; round < rounds; round++) {
			int first = round * perRound + 1;
			transactions.executeWithoutResult((status) -> {
				for (int i = first; i < first + perRound; i++) {
					realtime.sendEvent("drop.item", Map.of("i", i));
				}
			});
			// drop the connection once half of the round is through, the rest being in
			// flight or pending
			int half = first + perRound / 2;
			await("events at the hub").atMost(Duration.ofSeconds(30))
				.pollInterval(Duration.ofMillis(200))
				.until(() -> accepted(realtime).size(), (count) -> count >= half);
			await().until(() -> this.hub.closeSessions("flowing", CloseCodes.GOING_AWAY, "dropped by the test") > 0);
		}
		int count = rounds * perRound;
		await("events at the hub").atMost(Duration.ofSeconds(60))
			.until(() -> accepted(realtime).size(), (size) -> size >= count);
		List<AcceptedEvent> accepted = accepted(realtime);
		assertThat(accepted).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, count).boxed().toList());
		assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
		assertThat(this.tap.traffic("flowing").connectionsOpened()).isGreaterThan(rounds);
		assertThat(deadLetters().count("flowing")).isZero();
		await().until(() -> realtime.pendingCount() == 0);
	}

	@Test
	void onlyTheEventTheHubRejectsIsDeadLetteredAndTheStreamGoesOn() {
		RealtimeClient realtime = startClient("rejected");
		List<SendHandle> good = new ArrayList<>();
		SendHandle rejected = null;
		for (int i = 1; i <= 100; i++) {
			good.add(realtime.sendEvent("drop.item", Map.of("i", i)));
			if (i == 50) {
				// larger than the hub's realtime.hub.max-payload-size (64KB), well under
				// the
				// frame limit
				rejected = realtime.sendEvent("drop.item", Map.of("i", 0, "text", "x".repeat(70_000)));
			}
		}
		SendHandle poison = rejected;
		good.forEach((handle) -> handle.acknowledged().orTimeout(30, TimeUnit.SECONDS).join());
		assertThat(accepted(realtime)).extracting((event) -> event.payload().get("i").intValue())
			.containsExactlyElementsOf(IntStream.rangeClosed(1, 100).boxed().toList());
		await("dead letters").atMost(Duration.ofSeconds(30)).until(() -> deadLetters().count("rejected"), (n) -> n > 0);
		List<OutboxDeadLetter> deadLetters = deadLetters().list("rejected", 0, 10);
		assertThat(deadLetters).extracting(OutboxDeadLetter::idempotencyKey).containsExactly(poison.idempotencyKey());
		assertThat(realtime.pendingCount()).isZero();
		assertThatThrownBy(() -> poison.acknowledged().orTimeout(30, TimeUnit.SECONDS).join())
			.as("the rejected event's handle")
			.hasCauseInstanceOf(EventRejectedException.class);

		// the stream goes on past the rejected event
		realtime.sendEvent("drop.item", Map.of("i", 101)).acknowledged().orTimeout(30, TimeUnit.SECONDS).join();
		assertThat(accepted(realtime)).hasSize(101);
	}

	private RealtimeClient startClient(String user) {
		return startClient(user, "realtime.outbox.max-attempts=" + FORMER_MAX_ATTEMPTS);
	}

	private List<AcceptedEvent> accepted(RealtimeClient realtime) {
		return accepted(realtime, "drop.item");
	}

	private OutboxDeadLetters deadLetters() {
		return client().getBean(OutboxDeadLetters.class);
	}

}

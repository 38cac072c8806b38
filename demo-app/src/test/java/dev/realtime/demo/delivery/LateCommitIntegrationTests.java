package dev.realtime.demo.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.hub.AcceptedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An event whose transaction commits 10 s after events sent later were relayed is still
 * delivered, once: the relay skips no row that commits late. The client runs at default
 * settings with its JPA outbox on PostgreSQL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.late=late" })
class LateCommitIntegrationTests extends ClientAgainstHubSupport {

	private static final Duration COMMIT_DELAY = Duration.ofSeconds(10);

	@Test
	void eventCommittedAfterLaterEventsWereRelayedIsDelivered() throws Exception {
		RealtimeClient realtime = startClient("late");
		TransactionTemplate transactions = client().getBean(TransactionTemplate.class);

		CountDownLatch lateSent = new CountDownLatch(1);
		CountDownLatch commit = new CountDownLatch(1);
		CompletableFuture<SendHandle> late = CompletableFuture.supplyAsync(() -> transactions.execute((status) -> {
			SendHandle handle = realtime.sendEvent("late.item", Map.of("late", true));
			lateSent.countDown();
			try {
				commit.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			return handle;
		}));
		assertThat(lateSent.await(30, TimeUnit.SECONDS)).isTrue();
		for (int i = 1; i <= 100; i++) {
			realtime.sendEvent("late.other", Map.of("i", i));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> others(realtime).size() == 100);
		// for 10 s the late event's transaction stays open, and nothing of it reaches the
		// hub
		await().during(COMMIT_DELAY).atMost(COMMIT_DELAY.plusSeconds(5)).until(() -> lateOnes(realtime).isEmpty());
		commit.countDown();
		SendHandle handle = late.get(30, TimeUnit.SECONDS);

		// delivered by the relay on its own: nothing else is sent after the commit
		await().atMost(CrashRecoveryIntegrationTests.POLL.plus(Duration.ofSeconds(5)))
			.until(() -> lateOnes(realtime).size() == 1);
		assertThat(lateOnes(realtime)).extracting(AcceptedEvent::idempotencyKey)
			.containsExactly(handle.idempotencyKey());
		await().until(() -> realtime.pendingCount() == 0);
		assertThat(others(realtime)).hasSize(100);
		assertThat(lateOnes(realtime)).hasSize(1);
	}

	private List<AcceptedEvent> lateOnes(RealtimeClient realtime) {
		return accepted(realtime, "late.item");
	}

	private List<AcceptedEvent> others(RealtimeClient realtime) {
		return accepted(realtime, "late.other");
	}

}

package dev.realtime.autoconfigure;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.event.EventListener;

import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.ConnectionStateChange;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.SyncCompletedEvent;
import dev.realtime.client.SyncResetEvent;
import dev.realtime.test.HubFixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The client's application events reach plain {@link EventListener} methods, and the
 * health indicator tells when the resume catch-up is complete, against a real hub whose
 * resume answers come in pages and whose retention window the client fell behind.
 */
class RealtimeApplicationEventsTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
				RealtimeHealthAutoConfiguration.class))
		.withUserConfiguration(Listeners.class)
		.withPropertyValues("realtime.user-id=alice", "realtime.auth.token=t");

	@Test
	void publishesStateChangesTheResetAndTheCompletedCatchUp() {
		for (int i = 1; i <= 5; i++) {
			this.fixture.hub().store("alice", "order.created", Map.of("i", i));
		}
		// events 1 and 2 are gone: the client resumes from 0, is reset to 2, then pages
		// 3-4 and 5
		this.fixture.hub().retainFrom(3);
		this.fixture.hub().resumePageSize(2);
		this.runner.withPropertyValues("realtime.url=" + this.fixture.hub().uri()).run((context) -> {
			Listeners listeners = context.getBean(Listeners.class);
			await().atMost(Duration.ofSeconds(10))
				.until(() -> !listeners.completed.isEmpty() && listeners.messages.size() == 3);
			assertThat(listeners.states).extracting(ConnectionStateChange::current)
				.startsWith(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
			assertThat(listeners.resets).singleElement().isEqualTo(new SyncResetEvent("alice", 2));
			assertThat(listeners.completed).singleElement().satisfies((completed) -> {
				assertThat(completed.userId()).isEqualTo("alice");
				assertThat(completed.pages()).isEqualTo(2);
				assertThat(completed.reset()).isTrue();
			});
			assertThat(listeners.messages).extracting(InboundMessage::seq).containsExactly(3L, 4L, 5L);
			Health health = context.getBean(RealtimeHealthIndicator.class).health();
			assertThat(health.getDetails().get("sync")).isInstanceOfSatisfying(Map.class,
					(sync) -> assertThat(sync).containsEntry("caughtUp", true)
						.containsEntry("lastPages", 2)
						.containsKeys("lastCompleted", "lastReset"));

			this.fixture.hub().closeAll(1001, "restarting");
			await().atMost(Duration.ofSeconds(10)).until(() -> listeners.completed.size() == 2);
			// nothing missed this time: one page, no reset
			assertThat(listeners.completed.get(1).pages()).isEqualTo(1);
			assertThat(listeners.completed.get(1).reset()).isFalse();
			assertThat(listeners.states).extracting(ConnectionStateChange::current)
				.contains(ConnectionState.RECONNECTING);
		});
	}

	static class Listeners {

		final List<ConnectionStateChange> states = new CopyOnWriteArrayList<>();

		final List<SyncResetEvent> resets = new CopyOnWriteArrayList<>();

		final List<SyncCompletedEvent> completed = new CopyOnWriteArrayList<>();

		final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

		@EventListener
		void onState(ConnectionStateChange change) {
			this.states.add(change);
		}

		@EventListener
		void onReset(SyncResetEvent reset) {
			this.resets.add(reset);
		}

		@EventListener
		void onCompleted(SyncCompletedEvent completed) {
			this.completed.add(completed);
		}

		@EventListener
		void onMessage(InboundMessage message) {
			this.messages.add(message);
		}

	}

}

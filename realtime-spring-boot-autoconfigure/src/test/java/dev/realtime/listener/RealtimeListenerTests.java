package dev.realtime.listener;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanInitializationException;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.JsonNode;

import dev.realtime.autoconfigure.RealtimeAuthAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeAutoConfiguration;
import dev.realtime.autoconfigure.RealtimeInboxAutoConfiguration;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.Transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link RealtimeListener} methods, driven through a real client and its
 * in-memory inbound store by a hub behind the transport seam.
 */
class RealtimeListenerTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeInboxAutoConfiguration.class,
				RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class))
		.withBean(Transport.class, InMemoryHub::new)
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.inbox.max-attempts=3");

	@Test
	void convertsPayloadsAndFiltersEventsByName() {
		this.runner.withUserConfiguration(ChatListeners.class).run((context) -> {
			InMemoryHub hub = connected(context);
			hub.push(1, "chat.message", "{\"room\":\"general\",\"text\":\"hi\"}");
			hub.push(2, "chat.typing", "{\"room\":\"general\"}");
			hub.push(3, "order.created", "\"A-1\"");
			ChatListeners listeners = context.getBean(ChatListeners.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> listeners.all.size() == 3);
			assertThat(listeners.messages).containsExactly(new ChatMessage("general", "hi"));
			assertThat(listeners.chat).extracting(InboundMessage::seq).containsExactly(1L, 2L);
			assertThat(listeners.all).extracting((node) -> node.isObject() || node.isString()).containsOnly(true);
			assertThat(listeners.orders).containsExactly("alice:A-1");
		});
	}

	@Test
	void throwingListenerIsRetriedThenParkedWhileLaterEventsFlow() {
		this.runner.withUserConfiguration(FailingListener.class).run((context) -> {
			InMemoryHub hub = connected(context);
			hub.push(1, "chat.message", "{\"text\":\"poison\"}");
			hub.push(2, "chat.message", "{\"text\":\"fine\"}");
			hub.push(3, "chat.message", "{\"text\":\"fine too\"}");
			FailingListener listener = context.getBean(FailingListener.class);
			DefaultRealtimeClient client = context.getBean(DefaultRealtimeClient.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.handled.size() == 2);
			assertThat(listener.handled).containsExactly("fine", "fine too");
			assertThat(listener.poisonAttempts).hasValue(3);
			assertThat(client.metrics().failedInbound()).isEqualTo(1);
		});
	}

	@Test
	void listenerWithTwoParametersFailsTheStartupNamingTheMethod() {
		this.runner.withUserConfiguration(TwoParameterListener.class)
			.run((context) -> assertThat(context).getFailure()
				.hasCauseInstanceOf(BeanInitializationException.class)
				.hasMessageContaining("@RealtimeListener method '" + TwoParameterListener.class.getName() + ".onChat'")
				.hasMessageContaining("must take the receiving user's RealtimeClient as its second parameter, "
						+ "not java.lang.String"));
	}

	@Test
	void listenerWithInvalidPatternFailsTheStartupNamingTheMethod() {
		this.runner.withUserConfiguration(BadPatternListener.class)
			.run((context) -> assertThat(context).getFailure()
				.hasMessageContaining(BadPatternListener.class.getName() + ".onChat'")
				.hasMessageContaining("invalid event pattern 'chat.*.message'"));
	}

	private static InMemoryHub connected(AssertableApplicationContext context) {
		assertThat(context).hasNotFailed();
		InMemoryHub hub = (InMemoryHub) context.getBean(Transport.class);
		await().atMost(Duration.ofSeconds(10)).until(hub::isResumed);
		return hub;
	}

	record ChatMessage(String room, String text) {
	}

	@Configuration(proxyBeanMethods = false)
	static class ChatListeners {

		final List<ChatMessage> messages = new CopyOnWriteArrayList<>();

		final List<InboundMessage> chat = new CopyOnWriteArrayList<>();

		final List<JsonNode> all = new CopyOnWriteArrayList<>();

		final List<String> orders = new CopyOnWriteArrayList<>();

		@RealtimeListener("chat.message")
		void onMessage(ChatMessage message) {
			this.messages.add(message);
		}

		@RealtimeListener(events = "chat.*")
		void onChat(InboundMessage message) {
			this.chat.add(message);
		}

		@RealtimeListener
		void onAnything(JsonNode payload) {
			this.all.add(payload);
		}

		@RealtimeListener(events = { "order.created", "order.cancelled" })
		void onOrder(String orderId, RealtimeClient client) {
			// the receiving user's client: a listener of many users knows whose event it
			// is
			this.orders.add(client.userId() + ":" + orderId);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FailingListener {

		final List<String> handled = new CopyOnWriteArrayList<>();

		final AtomicInteger poisonAttempts = new AtomicInteger();

		@RealtimeListener("chat.message")
		void onMessage(JsonNode payload) {
			String text = payload.get("text").stringValue();
			if (text.equals("poison")) {
				this.poisonAttempts.incrementAndGet();
				throw new IllegalStateException("cannot handle poison");
			}
			this.handled.add(text);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TwoParameterListener {

		@RealtimeListener("chat.message")
		void onChat(String room, String text) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadPatternListener {

		@RealtimeListener("chat.*.message")
		void onChat(String text) {
		}

	}

}

package dev.realtime.client;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.client.spi.OutboundQueue;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.ClientLog;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A store that fails (a database that is away) is an expected fault the client recovers
 * from: the relay and the inbound sequencer log it as one WARN line without a stack
 * trace, never at ERROR (the stack trace is at DEBUG).
 */
@ExtendWith(OutputCaptureExtension.class)
class StoreFaultLogTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private @Nullable DefaultRealtimeClient client;

	@AfterEach
	void close() {
		if (this.client != null) {
			this.client.close();
		}
	}

	@Test
	void anOutboxThatCannotBeClaimedFromLogsOneWarningLine(CapturedOutput output) {
		FailingClaims queue = new FailingClaims();
		DefaultRealtimeClient client = connect(queue.proxy(), new InMemoryInboundStore());
		int before = output.getAll().length();
		queue.failing = true;
		SendHandle handle = client.sendEvent("chat.message", Map.of("text", "held"));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> warnings(output, before).stream()
				.anyMatch((record) -> record.line().contains("Could not claim outbound events")));
		queue.failing = false;
		await().atMost(Duration.ofSeconds(10)).until(() -> handle.acknowledged().isDone());
		assertWarningsAreOneLineAndNoneIsAnError(output, before);
	}

	@Test
	void anInboxThatCannotStoreLogsOneWarningLine(CapturedOutput output) {
		InboundStoreFailureTests.FailingStore store = new InboundStoreFailureTests.FailingStore();
		connect(new InMemoryOutboundQueue(100), store);
		int before = output.getAll().length();
		store.failing = true;
		EventFrame event = this.fixture.hub().store("alice", "order.status", Map.of("i", 1));
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(event)));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> warnings(output, before).stream()
				.anyMatch((record) -> record.line().contains("Could not store inbound events of user 'alice'")));
		store.failing = false;
		await().atMost(Duration.ofSeconds(10)).until(() -> store.lastSeq == event.seq());
		assertWarningsAreOneLineAndNoneIsAnError(output, before);
	}

	private DefaultRealtimeClient connect(OutboundQueue queue, InboundStore store) {
		DefaultRealtimeClient client = TestClients.create(
				TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), new StaticTokenProvider("t"),
				queue, store);
		this.client = client;
		return this.fixture.connect(client);
	}

	private static List<ClientLog.Record> warnings(CapturedOutput output, int from) {
		return ClientLog.records(output.getAll().substring(from))
			.stream()
			.filter((record) -> record.level().equals("WARN"))
			.toList();
	}

	private static void assertWarningsAreOneLineAndNoneIsAnError(CapturedOutput output, int from) {
		List<ClientLog.Record> records = ClientLog.records(output.getAll().substring(from));
		assertThat(records).as("ERROR records").noneMatch((record) -> record.level().equals("ERROR"));
		assertThat(records).as("WARN records with a stack trace")
			.noneMatch((record) -> record.level().equals("WARN") && record.hasStackTrace());
	}

	/**
	 * An in-memory outbox whose claims fail while told to, as a database that is down.
	 */
	static final class FailingClaims implements InvocationHandler {

		private final InMemoryOutboundQueue queue = new InMemoryOutboundQueue(100);

		volatile boolean failing;

		OutboundQueue proxy() {
			return (OutboundQueue) Proxy.newProxyInstance(OutboundQueue.class.getClassLoader(),
					new Class<?>[] { OutboundQueue.class }, this);
		}

		@Override
		public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
			if (this.failing && method.getName().equals("claim")) {
				throw new IllegalStateException("database unreachable");
			}
			try {
				return method.invoke(this.queue, args);
			}
			catch (InvocationTargetException ex) {
				throw ex.getCause();
			}
		}

	}

}

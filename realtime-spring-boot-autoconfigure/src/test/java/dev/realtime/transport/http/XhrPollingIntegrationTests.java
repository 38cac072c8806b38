package dev.realtime.transport.http;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.SendHandle;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.protocol.EventFrame;
import dev.realtime.test.ClientLog;
import dev.realtime.test.FaultProxy;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;
import dev.realtime.transport.TransportProxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The HTTP transport on SockJS's XHR polling, against a SockJS server that refuses XHR
 * streaming (as a buffering proxy would make it fail): 2,000 events each way while the
 * network drops the connections twice, and every event arrives once, in order. Only the
 * first connect tries streaming, and its refusal logs no error.
 */
@ExtendWith(OutputCaptureExtension.class)
class XhrPollingIntegrationTests {

	private static final int EVENTS = 2_000;

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct("testhub.sockjs.streaming=false");

	@Test
	void carriesTwoThousandEventsEachWayAcrossDrops(CapturedOutput output) {
		for (int i = 1; i <= EVENTS; i++) {
			fixture.hub().store("alice", "hub.pushed", Map.of("i", i));
		}
		try (FaultProxy proxy = FaultProxy.inFrontOf(fixture.hub().uri().toString())) {
			URI routed = proxy.route(fixture.hub().uri());
			DefaultRealtimeClient client = TestClients.create(TestClients.fastSettings(routed, "alice").build(),
					new StaticTokenProvider("t"), new HttpTransport(null, 1 << 20, Duration.ofSeconds(5),
							Executors.newCachedThreadPool(), null, TransportProxy.jvm()));
			List<InboundMessage> inbox = TestClients.inbox(client);
			try {
				client.connect();
				await().atMost(Duration.ofSeconds(30))
					.until(() -> client.connectionState() == ConnectionState.CONNECTED);
				List<SendHandle> first = send(client, 1, EVENTS / 2);
				await().atMost(Duration.ofSeconds(60)).until(() -> accepted(client).size() >= EVENTS / 4);
				List<SendHandle> second = send(client, EVENTS / 2 + 1, EVENTS);
				// a cut between two polls finds only idle connections, which the HTTP
				// client
				// replaces unnoticed: cut again until one hits a request of the session
				dropUntilReconnected(proxy, FaultProxy.Cut.RESET, client, 1);
				await().atMost(Duration.ofSeconds(60))
					.until(() -> client.connectionState() == ConnectionState.CONNECTED);
				dropUntilReconnected(proxy, FaultProxy.Cut.CLOSE, client, 2);
				first.forEach((handle) -> handle.acknowledged().orTimeout(120, TimeUnit.SECONDS).join());
				second.forEach((handle) -> handle.acknowledged().orTimeout(120, TimeUnit.SECONDS).join());
				await().atMost(Duration.ofSeconds(120)).until(() -> inbox.size() >= EVENTS);

				assertThat(accepted(client))
					.containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
				assertThat(inbox).extracting((message) -> message.payload().get("i").intValue())
					.containsExactlyElementsOf(IntStream.rangeClosed(1, EVENTS).boxed().toList());
				assertThat(client.transport()).isEqualTo("http");
				// the first connect's refused streaming turns into polling without
				// SockJS's fail-over, which logs an ERROR with the stack trace
				assertThat(ClientLog.records(output.getAll())).as("the client's ERROR records")
					.noneMatch((record) -> record.level().equals("ERROR") || record.line().contains("Falling back"));
			}
			finally {
				client.close();
			}
		}
	}

	private static void dropUntilReconnected(FaultProxy proxy, FaultProxy.Cut cut, DefaultRealtimeClient client,
			int reconnects) {
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
			if (client.metrics().reconnects() >= reconnects) {
				return true;
			}
			proxy.cutAll(cut);
			return false;
		});
	}

	private static List<SendHandle> send(DefaultRealtimeClient client, int first, int last) {
		return IntStream.rangeClosed(first, last)
			.mapToObj((i) -> client.sendEvent("client.sent", Map.of("i", i)))
			.toList();
	}

	private static List<Integer> accepted(DefaultRealtimeClient client) {
		return fixture.hub()
			.accepted()
			.stream()
			.filter((event) -> client.clientId().equals(event.clientId()))
			.map(EventFrame::payload)
			.map((payload) -> payload.get("i").intValue())
			.toList();
	}

}

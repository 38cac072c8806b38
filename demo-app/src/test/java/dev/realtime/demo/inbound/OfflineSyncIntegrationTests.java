package dev.realtime.demo.inbound;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.InboundMessage;
import dev.realtime.client.RealtimeClient;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.hub.Hub;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Events the hub delivers while a client is disconnected, and while its process is down,
 * arrive after reconnect exactly once each and in seq order through
 * {@link RealtimeListener}, via the durable inbound store on PostgreSQL. The hub runs in
 * this test's context; the client is a separate application context on its own schema,
 * stopped and started like a process.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.tokens.reader-token=reader" })
class OfflineSyncIntegrationTests extends PostgresSchemaSupport {

	private static final int HALF = 2_500;

	/** Shared by the listener beans of every client context this test starts. */
	static final List<InboundMessage> delivered = new CopyOnWriteArrayList<>();

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	private final TestDatabases.Isolated clientSchema = TestDatabases.postgres().createIsolated("sync_client");

	@AfterEach
	void dropClientSchema() {
		this.clientSchema.close();
	}

	@Test
	void eventsPushedWhileOfflineArriveOnceInOrder() {
		delivered.clear();
		try (ConfigurableApplicationContext client = startClient()) {
			RealtimeClient realtime = client.getBean(RealtimeClient.class);
			await().until(() -> realtime.connectionState() == ConnectionState.CONNECTED);
			realtime.disconnect();

			pushLoad(1, HALF);
			realtime.connect();

			await().atMost(Duration.ofSeconds(60)).until(() -> delivered.size() >= HALF);
		}

		// the client's process is down while the second half is pushed
		pushLoad(HALF + 1, 2 * HALF);
		try (ConfigurableApplicationContext client = startClient()) {
			await().atMost(Duration.ofSeconds(60)).until(() -> delivered.size() >= 2 * HALF);
		}

		assertThat(delivered).extracting(InboundMessage::seq)
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 2 * HALF).boxed().toList());
		assertThat(delivered).extracting((message) -> message.payload().get("n").longValue())
			.containsExactlyElementsOf(LongStream.rangeClosed(1, 2 * HALF).boxed().toList());
	}

	private void pushLoad(int from, int to) {
		for (int n = from; n <= to; n++) {
			this.hub.push("reader", "load.item", Map.of("n", n));
		}
	}

	private ConfigurableApplicationContext startClient() {
		return ClientOnlyApplication.start(this.port, "reader", "reader-token", this.clientSchema,
				List.of(LoadListener.class));
	}

	static class LoadListener {

		@RealtimeListener(events = "load.*")
		void onLoad(InboundMessage message) {
			delivered.add(message);
		}

	}

}

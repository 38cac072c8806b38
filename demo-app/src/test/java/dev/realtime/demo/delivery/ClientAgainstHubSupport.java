package dev.realtime.demo.delivery;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.RealtimeClient;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.Hub;
import dev.realtime.test.PostgresSchemaSupport;
import dev.realtime.test.TestDatabases;

import static org.awaitility.Awaitility.await;

/**
 * The hub of the test's context, and one client application per test (a separate context
 * in this JVM, like a user's service) on a database of its own, dropped after the test.
 * Each test class names its users' static tokens
 * ({@code realtime.hub.tokens.<user>=<user>}). The client reconnects after 50 ms instead
 * of the default 1 s ({@link ClientOnlyApplication}): these tests are about what happens
 * to events across reconnects, not about the backoff.
 */
abstract class ClientAgainstHubSupport extends PostgresSchemaSupport {

	@LocalServerPort
	int port;

	@Autowired
	Hub hub;

	private TestDatabases.Isolated clientDatabase;

	private ConfigurableApplicationContext client;

	@AfterEach
	void stopClient() {
		if (this.client != null) {
			this.client.close();
		}
		if (this.clientDatabase != null) {
			this.clientDatabase.close();
		}
	}

	/**
	 * Create the client's database, dropped after the test.
	 * @param kind the kind of database
	 * @return the database
	 */
	TestDatabases.Isolated createClientDatabase(TestDatabases.Kind kind) {
		TestDatabases.Server server = (kind == TestDatabases.Kind.POSTGRESQL) ? TestDatabases.postgres()
				: TestDatabases.mariadb();
		this.clientDatabase = server.createIsolated("client");
		return this.clientDatabase;
	}

	/**
	 * Start the client on a new PostgreSQL database and wait until it is connected.
	 * @param user the user, whose token is its own name
	 * @param properties further properties
	 * @return the client
	 */
	RealtimeClient startClient(String user, String... properties) {
		return startClient(createClientDatabase(TestDatabases.Kind.POSTGRESQL), user, properties);
	}

	/**
	 * Start the client and wait until it is connected.
	 * @param database the client's database
	 * @param user the user, whose token is its own name
	 * @param properties further properties
	 * @return the client
	 */
	RealtimeClient startClient(TestDatabases.Isolated database, String user, String... properties) {
		this.client = ClientOnlyApplication.start(this.port, user, user, database, List.of(), properties);
		RealtimeClient realtime = this.client.getBean(RealtimeClient.class);
		await().atMost(Duration.ofSeconds(30)).until(() -> realtime.connectionState() == ConnectionState.CONNECTED);
		return realtime;
	}

	ConfigurableApplicationContext client() {
		return this.client;
	}

	/**
	 * Return the events of a name that the hub accepted from the client, in seq order.
	 * @param realtime the client
	 * @param event the event name
	 * @return the events
	 */
	List<AcceptedEvent> accepted(RealtimeClient realtime, String event) {
		return this.hub.acceptedEvents(realtime.clientId()).stream().filter((e) -> e.event().equals(event)).toList();
	}

}

package dev.realtime.demo.crash;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtime.demo.ChildJvm;
import dev.realtime.demo.ClientOnlyApplication;
import dev.realtime.demo.PostgresSchemaSupport;
import dev.realtime.demo.hub.AcceptedEvent;
import dev.realtime.demo.hub.Hub;
import dev.realtime.test.TestDatabases;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client process killed with SIGKILL in the middle of sending 10,000 events through the
 * transactional outbox, then restarted: the hub holds each event exactly once, in seq order, and
 * the client's outbox ends empty. The hub runs in this JVM on its own schema; the client runs
 * in a child JVM on another schema of the same PostgreSQL.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "demo.hub.tokens.crash-token=crasher" })
class CrashSafetyTests extends PostgresSchemaSupport {

	private static final int COUNT = 10_000;

	@LocalServerPort
	private int port;

	@Autowired
	private Hub hub;

	private final TestDatabases.Isolated clientSchema = TestDatabases.postgres().createIsolated("crash_client");

	@AfterEach
	void dropClientSchema() {
		this.clientSchema.close();
	}

	@Test
	void killedMidSendLosesAndDuplicatesNothing() throws Exception {
		String clientId;
		try (ChildJvm first = startClient("crash-client-1")) {
			clientId = await().atMost(Duration.ofSeconds(60)).until(this::clientId, (id) -> id != null);
			await().atMost(Duration.ofSeconds(60)).until(() -> this.hub.acceptedEvents(clientId).size() >= 1000);
			first.kill();
		}
		int acceptedAtKill = this.hub.acceptedEvents(clientId).size();
		assertThat(acceptedAtKill).as("the kill must land in the middle of the burst").isLessThan(COUNT);

		try (ChildJvm second = startClient("crash-client-2")) {
			await().atMost(Duration.ofSeconds(120)).until(() -> this.hub.acceptedEvents(clientId).size() >= COUNT);
			await().atMost(Duration.ofSeconds(30)).until(() -> count("SELECT count(*) FROM realtime_outbox") == 0);
		}

		List<AcceptedEvent> accepted = this.hub.acceptedEvents(clientId);
		assertThat(accepted).hasSize(COUNT);
		assertThat(accepted).extracting(AcceptedEvent::seq).isSorted().doesNotHaveDuplicates();
		assertThat(accepted).extracting(AcceptedEvent::seq).containsExactlyElementsOf(sequence());
		// a single sender commits in order, so the seq the relay assigned follows the events' own numbering
		assertThat(accepted).extracting((event) -> (long) event.payload().get("i").intValue())
			.containsExactlyElementsOf(sequence());
		assertThat(accepted).extracting(AcceptedEvent::idempotencyKey).doesNotHaveDuplicates();
	}

	private ChildJvm startClient(String name) throws Exception {
		List<String> args = new ArrayList<>(List.of("--server.port=0", "--demo.hub.enabled=false",
				"--realtime.url=ws://localhost:" + this.port + "/realtime", "--realtime.user-id=crasher",
				"--realtime.batch.size=100", "--realtime.outbox.lease-duration=2s", "--demo.burst.count=" + COUNT,
				"--spring.datasource.url=" + this.clientSchema.url(),
				"--spring.datasource.username=" + this.clientSchema.server().username(),
				"--spring.datasource.password=" + this.clientSchema.server().password()));
		args.addAll(List.of(ClientOnlyApplication.asArguments(ClientOnlyApplication.staticToken("crash-token"))));
		return ChildJvm.start(name, args);
	}

	private static List<Long> sequence() {
		return java.util.stream.LongStream.rangeClosed(1, COUNT).boxed().toList();
	}

	private String clientId() {
		try (Connection connection = this.clientSchema.connect(); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery("SELECT client_id FROM realtime_client WHERE user_id = 'crasher'")) {
			return rs.next() ? rs.getString(1) : null;
		}
		catch (SQLException ex) {
			// the child has not migrated its schema yet
			return null;
		}
	}

	private long count(String sql) throws SQLException {
		try (Connection connection = this.clientSchema.connect(); Statement statement = connection.createStatement();
				ResultSet rs = statement.executeQuery(sql)) {
			rs.next();
			return rs.getLong(1);
		}
	}

}

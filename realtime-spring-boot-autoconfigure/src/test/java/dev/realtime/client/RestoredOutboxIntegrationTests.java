package dev.realtime.client;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.outbox.JdbcOutboundQueueFactory;
import dev.realtime.test.RealtimeSchema;
import dev.realtime.test.TestClients;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The database outbox against a server of the test's own ({@link LedgerServer}) that
 * knows seqs the outbox does not. A service whose database is restored from a backup
 * while the hub keeps what it accepted since: 200 events sent and acked, a backup taken
 * while 20 more wait for their ack (the hub accepted them), 280 more sent and acked, the
 * service stopped, every {@code realtime_*} table restored to the backup, the service
 * started again on it, 300 more sent: the hub must end with all 800, each once, and never
 * see a seq again with another idempotency key. And a hub that answers every resume with
 * an {@code ack_seq} far above any seq while it drops the connection every 200 events.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestoredOutboxIntegrationTests {

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void everyEventReachesTheHubOnceAfterTheDatabaseIsRestoredFromABackup(TestDatabases.Kind kind,
			CapturedOutput output) throws Exception {
		try (TestDatabases.Isolated database = server(kind).createIsolated("restore");
				HikariDataSource dataSource = dataSource(database);
				LedgerServer hub = new LedgerServer()) {
			RealtimeSchema.migrate(dataSource);
			List<SendHandle> handles = new ArrayList<>();
			Map<String, List<Map<String, Object>>> backup;
			try (DefaultRealtimeClient service = start(dataSource, hub)) {
				handles.addAll(awaitAcked(send(service, 200)));
				hub.acking(false);
				List<SendHandle> waiting = send(service, 20);
				await().until(() -> hub.acceptedKeys().size() == 220);
				backup = backup(dataSource);
				hub.acking(true);
				waiting.addAll(send(service, 280));
				handles.addAll(awaitAcked(waiting));
			}
			restore(dataSource, backup);
			assertThat(pendingRows(dataSource)).as("pending in the backup").isEqualTo(20);
			try (DefaultRealtimeClient restarted = start(dataSource, hub)) {
				handles.addAll(awaitAcked(send(restarted, 300)));
				await().until(() -> pendingRows(dataSource) == 0);
				assertThat(restarted.metrics().outboundResequences()).isOne();
			}
			assertThat(hub.acceptedKeys()).hasSize(800)
				.containsExactlyInAnyOrderElementsOf(handles.stream().map(SendHandle::idempotencyKey).toList());
			assertThat(hub.conflicts()).as("seqs seen again with another key").isEmpty();
			assertThat(HostileAckServerTests.count(output,
					"Hub resumed with ack_seq 500, above every seq the outbound store of user"
							+ " 'alice' gave out (220): the hub accepted seqs 221 to 500"))
				.isOne();
			assertThat(output).contains("its 20 unacked event(s) take new seqs after 500");
			System.out.println(kind + ": sent 800, hub held " + hub.acceptedKeys().size() + ", conflicts "
					+ hub.conflicts().size() + ", hub accepted up to seq " + hub.acceptedSeq());
		}
	}

	@ParameterizedTest
	@EnumSource(TestDatabases.Kind.class)
	void aServerThatResumesWithAnAckFarAboveAnySeqAfterEveryDropGetsEveryEventOnce(TestDatabases.Kind kind)
			throws Exception {
		try (TestDatabases.Isolated database = server(kind).createIsolated("ackfar");
				HikariDataSource dataSource = dataSource(database);
				LedgerServer hub = new LedgerServer()) {
			RealtimeSchema.migrate(dataSource);
			hub.lieInResumes((honest) -> 999_999_998L);
			hub.dropEvery(200);
			try (DefaultRealtimeClient service = start(dataSource, hub)) {
				List<SendHandle> handles = awaitAcked(send(service, 2000));
				await().until(() -> pendingRows(dataSource) == 0);
				assertThat(hub.acceptedKeys()).hasSize(2000)
					.containsExactlyInAnyOrderElementsOf(handles.stream().map(SendHandle::idempotencyKey).toList());
				assertThat(hub.conflicts()).isEmpty();
				assertThat(service.metrics().outboundResequences()).isOne();
				System.out.println(kind + ": sent 2000, hub held " + hub.acceptedKeys().size() + ", handshakes "
						+ hub.handshakes() + ", invalid frames " + service.metrics().invalidFrames() + ", resequences "
						+ service.metrics().outboundResequences());
			}
		}
	}

	/**
	 * A service as an application runs it: the database outbox with the default lease,
	 * the client's default settings. The restarted service keeps its configured instance
	 * id ({@code realtime.outbox.instance-id}), so it takes over the lease the backup
	 * names at once rather than after it expires.
	 */
	private static DefaultRealtimeClient start(HikariDataSource dataSource, LedgerServer hub) {
		JdbcOutboundQueueFactory outbox = new JdbcOutboundQueueFactory(dataSource, new JsonMapper(), 100_000,
				Duration.ofSeconds(30), Duration.ofSeconds(5), "service-1", Clock.systemUTC());
		DefaultRealtimeClient client = TestClients.create(ClientSettings.builder(hub.uri(), "alice").build(),
				new StaticTokenProvider("t"), outbox.create("alice"), new InMemoryInboundStore());
		TestClients.connect(client, Duration.ofSeconds(30));
		return client;
	}

	private static List<SendHandle> send(RealtimeClient client, int count) {
		List<SendHandle> handles = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			handles.add(client.sendEvent("n", Map.of("i", i)));
		}
		return handles;
	}

	private static List<SendHandle> awaitAcked(List<SendHandle> handles) throws Exception {
		CompletableFuture.allOf(handles.stream().map(SendHandle::acknowledged).toArray(CompletableFuture[]::new))
			.get(120, TimeUnit.SECONDS);
		return handles;
	}

	private static long pendingRows(HikariDataSource dataSource) {
		Long rows = new JdbcTemplate(dataSource)
			.queryForObject("select count(*) from realtime_outbox where status <> 'DEAD'", Long.class);
		return (rows != null) ? rows : 0;
	}

	/**
	 * Copy every row of the library's tables, as a dump of the database would.
	 */
	private static Map<String, List<Map<String, Object>>> backup(HikariDataSource dataSource) throws SQLException {
		Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();
		try (Connection connection = dataSource.getConnection()) {
			for (String table : tables(connection)) {
				List<Map<String, Object>> rows = new ArrayList<>();
				try (Statement statement = connection.createStatement();
						ResultSet result = statement.executeQuery("select * from " + table)) {
					int columns = result.getMetaData().getColumnCount();
					while (result.next()) {
						Map<String, Object> row = new LinkedHashMap<>();
						for (int i = 1; i <= columns; i++) {
							row.put(result.getMetaData().getColumnName(i), result.getObject(i));
						}
						rows.add(row);
					}
				}
				tables.put(table, rows);
			}
		}
		return tables;
	}

	/**
	 * Put every table of the backup back as it was, in one transaction.
	 */
	private static void restore(HikariDataSource dataSource, Map<String, List<Map<String, Object>>> backup)
			throws SQLException {
		try (Connection connection = dataSource.getConnection()) {
			connection.setAutoCommit(false);
			for (Map.Entry<String, List<Map<String, Object>>> table : backup.entrySet()) {
				try (Statement statement = connection.createStatement()) {
					statement.executeUpdate("delete from " + table.getKey());
				}
				for (Map<String, Object> row : table.getValue()) {
					String columns = String.join(", ", row.keySet());
					String marks = String.join(", ", row.keySet().stream().map((column) -> "?").toList());
					try (PreparedStatement insert = connection.prepareStatement(
							"insert into " + table.getKey() + " (" + columns + ") values (" + marks + ")")) {
						int i = 1;
						for (Object value : row.values()) {
							insert.setObject(i++, value);
						}
						insert.executeUpdate();
					}
				}
			}
			connection.commit();
		}
	}

	private static List<String> tables(Connection connection) throws SQLException {
		List<String> tables = new ArrayList<>();
		String schema = (connection.getSchema() != null) ? connection.getSchema() : connection.getCatalog();
		try (PreparedStatement query = connection.prepareStatement("select table_name from information_schema.tables"
				+ " where table_schema = ? and table_type = 'BASE TABLE' and table_name like 'realtime%'")) {
			query.setString(1, schema);
			try (ResultSet result = query.executeQuery()) {
				while (result.next()) {
					tables.add(result.getString(1));
				}
			}
		}
		return tables;
	}

	private static TestDatabases.Server server(TestDatabases.Kind kind) {
		return (kind == TestDatabases.Kind.POSTGRESQL) ? TestDatabases.postgres() : TestDatabases.mariadb();
	}

	private static HikariDataSource dataSource(TestDatabases.Isolated database) {
		HikariDataSource dataSource = new HikariDataSource();
		dataSource.setJdbcUrl(database.url());
		dataSource.setUsername(database.server().username());
		dataSource.setPassword(database.server().password());
		return dataSource;
	}

}

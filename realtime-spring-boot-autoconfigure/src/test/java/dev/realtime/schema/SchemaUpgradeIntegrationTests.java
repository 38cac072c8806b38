package dev.realtime.schema;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.ObservableClient;
import dev.realtime.listener.RealtimeListener;
import dev.realtime.outbox.OutboxDeadLetter;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.receipts.ReadReceiptManager;
import dev.realtime.test.DurableClientAutoConfigurations;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Upgrades from every earlier schema version with data in every table that version had,
 * on PostgreSQL and MariaDB: the old schema is built with Flyway up to the start version,
 * rows are written in that version's shape as its code wrote them (a dead letter, events
 * sent and not acked when the old instance stopped, the first of them accepted by the hub
 * whose ack was lost, events never sent, inbound events handled, pending and parked, the
 * resume cursor, a read receipt), the library's migrator brings the schema to the latest
 * version, and a client with the default settings starts on it against a hub: every
 * pending outbound event arrives once with its idempotency key, the dead letter stays
 * dead and listed, the resume cursor is kept, no inbound event handled before the upgrade
 * reaches a listener again, and each one not yet handled reaches it once.
 */
class SchemaUpgradeIntegrationTests {

	/** The latest schema version: a new migration makes this test fail until added. */
	private static final int LATEST = 7;

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** Outbound: seq 1 dead, 2-4 sent and not acked, three never sent. */
	private static final int DEAD_SEQ = 1;

	private static final List<Integer> IN_FLIGHT = List.of(2, 3, 4);

	private static final int NEVER_SENT = 3;

	/** Inbound: the hub's stream holds 1-8; 1-3 handled, 4 stored, 5 parked, 6-8 new. */
	private static final int HUB_EVENTS = 8;

	private static final int STORED_SEQ = 4;

	private static final int PARKED_SEQ = 5;

	@RegisterExtension
	static final HubFixture fixture = HubFixture.direct();

	static Stream<Arguments> startVersions() {
		return Stream.of(TestDatabases.Kind.values())
			.flatMap((kind) -> IntStream.range(1, LATEST).mapToObj((version) -> Arguments.of(kind, version)));
	}

	@ParameterizedTest(name = "{0} from V{1}")
	@MethodSource("startVersions")
	void everyPendingEventArrivesOnceAfterTheUpgrade(TestDatabases.Kind kind, int startVersion) throws Exception {
		TestDatabases.Server server = (kind == TestDatabases.Kind.POSTGRESQL) ? TestDatabases.postgres()
				: TestDatabases.mariadb();
		String userId = "upgrade-" + kind.name().toLowerCase() + "-v" + startVersion;
		String clientId = UUID.randomUUID().toString();
		for (int seq = 1; seq <= HUB_EVENTS; seq++) {
			fixture.hub().store(userId, "inbound.item", Map.of("n", seq));
		}
		try (TestDatabases.Isolated database = server.createIsolated("upgrade");
				HikariDataSource dataSource = RealtimeSchemaMigratorIntegrationTests.dataSource(database.url(),
						database.server().username(), database.server().password())) {
			Flyway.configure(getClass().getClassLoader())
				.dataSource(dataSource)
				.locations(RealtimeSchemaMigrator.LOCATION)
				.table(RealtimeSchemaMigrator.TABLE)
				.baselineOnMigrate(true)
				.baselineVersion("0")
				.target(String.valueOf(startVersion))
				.load()
				.migrate();
			new OldRows(new JdbcTemplate(dataSource), kind, startVersion, userId).write(clientId);

			assertThat(new RealtimeSchemaMigrator(dataSource).migrate()).isEqualTo(LATEST - startVersion);
			sentBeforeTheStop(userId, clientId);

			runClient(database, userId, clientId, startVersion);
		}
	}

	private void runClient(TestDatabases.Isolated database, String userId, String clientId, int startVersion) {
		new ApplicationContextRunner().withConfiguration(DurableClientAutoConfigurations.onTheDatabase())
			.withBean(InboundListener.class)
			.withPropertyValues(database.springProperties())
			.withPropertyValues("realtime.url=" + fixture.hub().uri(), "realtime.user-id=" + userId)
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ObservableClient client = context.getBean(ObservableClient.class);
				assertThat(client.clientId()).isEqualTo(clientId);
				JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));
				InboundListener listener = context.getBean(InboundListener.class);
				// inbound: what was handled before stays handled, the rest arrives once
				List<Integer> expectedInbound = new ArrayList<>();
				if (startVersion >= 2) {
					expectedInbound.add(STORED_SEQ);
					IntStream.rangeClosed(PARKED_SEQ + 1, HUB_EVENTS).forEach(expectedInbound::add);
				}
				else {
					IntStream.rangeClosed(1, HUB_EVENTS).forEach(expectedInbound::add);
				}
				await().atMost(WAIT).until(() -> listener.received.size() >= expectedInbound.size());
				// outbound: every pending event once, then one written after the upgrade
				int pending = IN_FLIGHT.size() + NEVER_SENT;
				await().atMost(WAIT).until(() -> sent(clientId).size() >= pending);
				client.sendEvent("order.after-upgrade", Map.of("n", 100));
				await().atMost(WAIT).until(() -> client.pendingCount() == 0 && sent(clientId).size() > pending);

				assertThat(listener.received).containsExactlyElementsOf(expectedInbound);
				long cursor = jdbc.queryForObject("select last_ack_seq from realtime_inbox_cursor where user_id = ?",
						Long.class, userId);
				assertThat(cursor).isEqualTo(HUB_EVENTS);
				if (startVersion >= 2) {
					assertThat(jdbc.queryForList(
							"select seq, status, origin_client_id from realtime_inbox_event " + "where user_id = ?",
							userId))
						.singleElement()
						.satisfies((row) -> assertThat(row).containsEntry("status", "FAILED")
							.containsEntry("origin_client_id", OldRows.LONG_ORIGIN_CLIENT_ID))
						.extracting((row) -> ((Number) row.get("seq")).longValue())
						.isEqualTo((long) PARKED_SEQ);
					assertThat(client.metrics().failedInbound()).isEqualTo(1);
				}

				List<EventFrame> frames = sent(clientId);
				List<String> keys = frames.stream().map(EventFrame::idempotencyKey).toList();
				List<String> expectedKeys = new ArrayList<>();
				IntStream.rangeClosed(IN_FLIGHT.get(0), IN_FLIGHT.get(IN_FLIGHT.size() - 1) + NEVER_SENT)
					.forEach((n) -> expectedKeys.add("key-" + n));
				// each once (the first one in flight by the stopped instance, not again),
				// in
				// the old order, the new event after them
				assertThat(keys.subList(0, pending)).containsExactlyElementsOf(expectedKeys);
				assertThat(keys).hasSize(pending + 1).doesNotHaveDuplicates().doesNotContain("key-" + DEAD_SEQ);
				List<Long> seqs = frames.stream().map(EventFrame::seq).toList();
				assertThat(seqs.subList(0, IN_FLIGHT.size())).containsExactly(2L, 3L, 4L);
				assertThat(seqs).doesNotHaveDuplicates().isSorted().allMatch((seq) -> seq > DEAD_SEQ);
				assertThat(frames.get(pending).event()).isEqualTo("order.after-upgrade");

				List<OutboxDeadLetter> dead = context.getBean(OutboxDeadLetters.class).list(userId, 0, 10);
				assertThat(dead).singleElement().satisfies((letter) -> {
					assertThat(letter.idempotencyKey()).isEqualTo("key-" + DEAD_SEQ);
					assertThat(letter.errorCode()).isEqualTo("invalid_event");
					assertThat(letter.errorMessage()).isEqualTo("rejected by the hub");
				});
				assertThat(jdbc.queryForObject("select count(*) from realtime_outbox where user_id = ?", Long.class,
						userId))
					.isOne();
				if (startVersion >= 3) {
					assertThat(context.getBean(ReadReceiptManager.class).hasUserRead("m-1", "bob")).isTrue();
				}
			});
	}

	/**
	 * What the stopped instance sent last: the hub accepted the first event in flight and
	 * its ack never arrived. After the upgrade the hub's resume answer completes it, and
	 * the client resends only the others.
	 * @param userId the user
	 * @param clientId the user's client id
	 */
	private static void sentBeforeTheStop(String userId, String clientId) throws Exception {
		int seq = IN_FLIGHT.get(0);
		EventFrame event = new EventFrame((long) seq, clientId, "key-" + seq, "order.placed",
				new FrameCodec().toPayload(Map.of("n", seq)), null);
		WebSocket socket = HttpClient.newHttpClient()
			.newWebSocketBuilder()
			.buildAsync(URI.create(fixture.hub().uri() + "?user_id=" + userId), new WebSocket.Listener() {
			})
			.get(10, TimeUnit.SECONDS);
		socket.sendText(fixture.hub().encode(List.of(event)), true).get(10, TimeUnit.SECONDS);
		await().atMost(WAIT).until(() -> sent(clientId).size() == 1);
		socket.abort();
	}

	/**
	 * Return the events the hub received from a client, in arrival order; a resend would
	 * show as a second frame.
	 * @param clientId the client
	 * @return the frames
	 */
	private static List<EventFrame> sent(String clientId) {
		return fixture.hub().received().stream().filter((frame) -> clientId.equals(frame.clientId())).toList();
	}

	/**
	 * Writes a user's rows in the shape of one schema version, as the code of that
	 * version left them when its instance stopped.
	 */
	private static final class OldRows {

		/** As long as the column held before V7 widened it: 64 characters. */
		static final String LONG_ORIGIN_CLIENT_ID = "origin-" + "c".repeat(57);

		private final JdbcTemplate jdbc;

		private final TestDatabases.Kind kind;

		private final int version;

		private final String userId;

		/** Epoch milliseconds a minute ago: the old instance's leases have expired. */
		private final long expired = System.currentTimeMillis() - 60_000;

		OldRows(JdbcTemplate jdbc, TestDatabases.Kind kind, int version, String userId) {
			this.jdbc = jdbc;
			this.kind = kind;
			this.version = version;
			this.userId = userId;
		}

		void write(String clientId) {
			int nextSeq = IN_FLIGHT.get(IN_FLIGHT.size() - 1) + 1;
			int lastSent = nextSeq - 1;
			if (this.version >= 6) {
				// the group commit numbered the events it wrote; the relay had sent up to
				// 4
				nextSeq += NEVER_SENT;
			}
			writeClient(clientId, nextSeq, lastSent);
			writeOutbox();
			if (this.version >= 2) {
				writeInbox();
			}
			if (this.version >= 3) {
				this.jdbc.update(
						"insert into realtime_read_receipt (owner_user_id, message_id, reader_user_id, "
								+ "channel_id, read_at) values (?, 'm-1', 'bob', 'general', ?)",
						this.userId, Timestamp.from(Instant.now()));
			}
		}

		private void writeClient(String clientId, int nextSeq, int lastSent) {
			if (this.version < 4) {
				this.jdbc.update(
						"insert into realtime_client (user_id, client_id, next_seq, relay_owner, "
								+ "relay_lease_until) values (?, ?, ?, 'stopped-instance', ?)",
						this.userId, clientId, nextSeq, this.expired);
			}
			else if (this.version < 6) {
				// V5 added placement, relay_home and profile: null for the single-user
				// client
				this.jdbc.update(
						"insert into realtime_client (user_id, client_id, next_seq, relay_owner, "
								+ "relay_lease_until, relay_epoch) values (?, ?, ?, 'stopped-instance', ?, 3)",
						this.userId, clientId, nextSeq, this.expired);
			}
			else {
				this.jdbc.update(
						"insert into realtime_client (user_id, client_id, relay_owner, relay_lease_until, "
								+ "relay_epoch, sent_seq) values (?, ?, 'stopped-instance', ?, 3, ?)",
						this.userId, clientId, this.expired, lastSent);
				this.jdbc.update("insert into realtime_outbox_seq (user_id, next_seq) values (?, ?)", this.userId,
						nextSeq);
			}
		}

		private void writeOutbox() {
			outboxRow(DEAD_SEQ, "DEAD", DEAD_SEQ, 1);
			for (int seq : IN_FLIGHT) {
				// V1-V3: a pending row claimed under the stopped instance's row lease
				outboxRow(seq, (this.version < 4) ? "PENDING" : "SEQUENCED", seq, 1);
			}
			int first = IN_FLIGHT.get(IN_FLIGHT.size() - 1) + 1;
			for (int n = first; n < first + NEVER_SENT; n++) {
				if (this.version < 4) {
					outboxRow(n, "PENDING", null, 0);
				}
				else if (this.version < 6) {
					outboxRow(n, "NEW", null, 0);
				}
				else {
					// numbered when written, above sent_seq: waits to be sent
					outboxRow(n, "SEQUENCED", n, 0);
				}
			}
		}

		private void outboxRow(int n, String status, @Nullable Integer seq, int attempts) {
			String id = (this.kind == TestDatabases.Kind.POSTGRESQL) ? "nextval('realtime_outbox_id_seq')"
					: "next value for realtime_outbox_id_seq";
			long createdMicros = (System.currentTimeMillis() - 120_000 + n) * 1000;
			boolean dead = "DEAD".equals(status);
			Object[] deadColumns = { dead ? "invalid_event" : null, dead ? "rejected by the hub" : null,
					dead ? this.expired : null };
			if (this.version < 4) {
				boolean leased = seq != null && !dead;
				this.jdbc.update("insert into realtime_outbox (id, user_id, idempotency_key, event, payload, "
						+ "created_at, seq, status, attempts, lease_owner, lease_until, error_code, last_error, dead_at)"
						+ " values (" + id + ", ?, ?, 'order.placed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", this.userId,
						"key-" + n, "{\"n\":" + n + "}", createdMicros, seq, status, attempts,
						leased ? "stopped-instance" : null, leased ? this.expired : null, deadColumns[0],
						deadColumns[1], deadColumns[2]);
			}
			else {
				this.jdbc.update(
						"insert into realtime_outbox (id, user_id, idempotency_key, event, payload, "
								+ "created_at, seq, status, error_code, last_error, dead_at) values (" + id
								+ ", ?, ?, 'order.placed', ?, ?, ?, ?, ?, ?, ?)",
						this.userId, "key-" + n, "{\"n\":" + n + "}", createdMicros, seq, status, deadColumns[0],
						deadColumns[1], deadColumns[2]);
			}
		}

		private void writeInbox() {
			Timestamp now = Timestamp.from(Instant.now());
			inboxRow(STORED_SEQ, "RECEIVED", 1, "listener interrupted by the shutdown", now);
			inboxRow(PARKED_SEQ, "FAILED", 3, "listener failed", now);
			this.jdbc.update("insert into realtime_inbox_cursor (user_id, last_ack_seq, failed_count, "
					+ "last_synced_at) values (?, ?, 1, ?)", this.userId, PARKED_SEQ, now);
		}

		private void inboxRow(int seq, String status, int attempts, String lastError, Timestamp now) {
			this.jdbc.update(
					"insert into realtime_inbox_event (user_id, seq, event, payload, server_timestamp, "
							+ "origin_client_id, origin_idempotency_key, status, attempts, last_error, received_at) "
							+ "values (?, ?, 'inbound.item', ?, ?, ?, ?, ?, ?, ?, ?)",
					this.userId, seq, "{\"n\":" + seq + "}", now, LONG_ORIGIN_CLIENT_ID, "origin-key-" + seq, status,
					attempts, lastError, now);
		}

	}

	/**
	 * Records the inbound events listeners were given, in order.
	 */
	static class InboundListener {

		final List<Integer> received = new CopyOnWriteArrayList<>();

		@RealtimeListener("inbound.item")
		void onItem(InboundMessage message) {
			this.received.add(message.payload().path("n").intValue());
		}

	}

}

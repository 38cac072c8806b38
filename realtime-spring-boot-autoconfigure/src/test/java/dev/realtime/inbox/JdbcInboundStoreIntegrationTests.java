package dev.realtime.inbox;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

import dev.realtime.client.InboundMessage;
import dev.realtime.client.spi.InboundStore;
import dev.realtime.protocol.EventFields;
import dev.realtime.test.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link JdbcInboundStore} and {@link FailedInboundEvents} on a real database; one
 * subclass per database kind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcInboundStoreIntegrationTests {

	private static final JsonMapper MAPPER = JsonMapper.builder().build();

	private TestDatabases.Isolated isolated;

	private InboxDatabase database;

	private final List<String> requeued = new CopyOnWriteArrayList<>();

	private FailedInboundEvents failedEvents;

	private InboundStore alice;

	abstract TestDatabases.Server server();

	@BeforeAll
	void createDatabase() {
		this.isolated = server().createIsolated("inbox");
		this.database = InboxDatabase.on(this.isolated.url(), server().username(), server().password());
		this.database.jdbc.execute("create table listener_write (seq bigint not null)");
		this.failedEvents = new FailedInboundEvents(this.database.dataSource, this.database.transactions, MAPPER,
				this.requeued::add);
	}

	@AfterAll
	void dropDatabase() {
		if (this.isolated != null) {
			this.isolated.close();
		}
	}

	@BeforeEach
	void emptyTables() {
		this.database.jdbc.update("delete from realtime_inbox_event");
		this.database.jdbc.update("delete from realtime_inbox_cursor");
		this.database.jdbc.update("delete from listener_write");
		this.requeued.clear();
		this.alice = factory(false).create("alice");
	}

	private JdbcInboundStoreFactory factory(boolean transactional) {
		return new JdbcInboundStoreFactory(this.database.dataSource, this.database.transactions, MAPPER, transactional,
				Clock.systemUTC());
	}

	@Test
	void storesEventsWithEnvelopeAndAdvancesTheCursor() {
		Instant timestamp = Instant.now().truncatedTo(ChronoUnit.MICROS);
		InboundMessage first = new InboundMessage("alice", 1, "chat.message",
				MAPPER.readTree("{\"text\":\"héllo\",\"n\":[1,2]}"), timestamp, "client-1", "key-1");
		this.alice.append(List.of(first, message("alice", 2)));
		assertThat(this.alice.lastSeq()).isEqualTo(2);
		assertThat(this.alice.undelivered(10)).containsExactly(first, message("alice", 2));
		assertThat(this.alice.undelivered(1)).extracting(InboundMessage::seq).containsExactly(1L);
		assertThat(this.database.count("select last_ack_seq from realtime_inbox_cursor where user_id = 'alice'"))
			.isEqualTo(2);
	}

	@Test
	void storesTimesInUtcWhateverTheZoneOfTheJvm() {
		Instant timestamp = Instant.parse("2026-01-02T03:04:05.123456Z");
		this.alice.append(
				List.of(new InboundMessage("alice", 1, "chat.message", MAPPER.readTree("{}"), timestamp, null, null)));
		assertThat(this.database.jdbc.queryForObject(
				"select server_timestamp from realtime_inbox_event where user_id = 'alice' and seq = 1",
				LocalDateTime.class))
			.isEqualTo(LocalDateTime.parse("2026-01-02T03:04:05.123456"));
		assertThat(this.alice.undelivered(1)).extracting(InboundMessage::timestamp).containsExactly(timestamp);
	}

	@Test
	void storesTheLongestEnvelopeTheProtocolAllows() {
		InboundMessage widest = new InboundMessage("alice", 1, "e".repeat(EventFields.MAX_LENGTH),
				MAPPER.readTree("{}"), null, "c".repeat(128), "k".repeat(EventFields.MAX_LENGTH));
		this.alice.append(List.of(widest));
		assertThat(this.alice.undelivered(1)).containsExactly(widest);
	}

	@Test
	void storesPayloadsUpToTheFrameLimit() {
		InboundMessage large = new InboundMessage("alice", 1, "file.chunk",
				JsonNodeFactory.instance.objectNode().put("data", "x".repeat(900 * 1024)), null, null, null);
		this.alice.append(List.of(large));
		assertThat(this.alice.undelivered(1)).containsExactly(large);
	}

	@Test
	void cursorIsZeroBeforeAnythingIsStored() {
		assertThat(this.alice.lastSeq()).isZero();
		assertThat(this.alice.failedCount()).isZero();
		assertThat(this.alice.undelivered(10)).isEmpty();
	}

	@Test
	void rejectsEventsThatDoNotContinueTheStream() {
		this.alice.append(messages("alice", 1, 2));
		assertThatIllegalArgumentException().isThrownBy(() -> this.alice.append(messages("alice", 4, 4)))
			.withMessageContaining("does not continue the stream at 2");
		assertThat(this.alice.lastSeq()).isEqualTo(2);
	}

	@Test
	void storesAPageAndMovesTheCursorInOneTransaction() {
		this.alice.append(messages("alice", 1, 2));
		// a row in the way makes the insert of seq 4 fail after seq 3 was written
		this.database.jdbc.update(
				"insert into realtime_inbox_event (user_id, seq, event, payload, status, attempts, "
						+ "received_at) values ('alice', 4, 'x', '{}', 'RECEIVED', 0, ?)",
				java.sql.Timestamp.from(Instant.now()));
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> this.alice.append(messages("alice", 3, 5)));
		assertThat(this.alice.lastSeq()).isEqualTo(2);
		assertThat(this.database.count("select count(*) from realtime_inbox_event where user_id = 'alice' and seq = 3"))
			.isZero();
	}

	@Test
	void storesAPageOfThousandsInJdbcBatches() {
		long before = this.database.statements.total();
		this.alice.append(messages("alice", 1, 5000));
		long statements = this.database.statements.total() - before;
		assertThat(this.alice.lastSeq()).isEqualTo(5000);
		assertThat(this.database.count("select count(*) from realtime_inbox_event where user_id = 'alice'"))
			.isEqualTo(5000);
		// one statement per batch of 500 rows, not one per row
		assertThat(statements).isLessThan(30);
		assertThat(this.alice.undelivered(10_000)).hasSize(5000).first().extracting(InboundMessage::seq).isEqualTo(1L);
	}

	@Test
	void deliveredDeletesTheRow() {
		this.alice.append(messages("alice", 1, 3));
		this.alice.delivered(2);
		assertThat(this.alice.undelivered(10)).extracting(InboundMessage::seq).containsExactly(1L, 3L);
		assertThat(this.database.count("select count(*) from realtime_inbox_event")).isEqualTo(2);
		assertThat(this.alice.lastSeq()).isEqualTo(3);
	}

	@Test
	void deliveredUpToDeletesTheRunButNeitherParkedEventsNorLaterOnes() {
		this.alice.append(messages("alice", 1, 5));
		assertThat(this.alice.failed(2, "boom", 1)).isTrue();
		this.alice.deliveredUpTo(4);
		assertThat(this.alice.undelivered(10)).extracting(InboundMessage::seq).containsExactly(5L);
		assertThat(this.failedEvents.list("alice", 10)).extracting((failed) -> failed.seq()).containsExactly(2L);
		assertThat(this.alice.recordsDeliveredInRuns()).isTrue();
	}

	@Test
	void transactionalDeliveryRecordsEachEventWithItsListeners() {
		assertThat(factory(true).create("alice").recordsDeliveredInRuns()).isFalse();
	}

	@Test
	void parksAnEventAfterMaxAttemptsAndKeepsItForTheApi() {
		this.alice.append(messages("alice", 1, 2));
		assertThat(this.alice.failed(1, "boom 1", 3)).isFalse();
		assertThat(this.alice.failed(1, "boom 2", 3)).isFalse();
		assertThat(this.alice.undelivered(10)).extracting(InboundMessage::seq).containsExactly(1L, 2L);
		assertThat(this.alice.failed(1, "boom 3", 3)).isTrue();
		assertThat(this.alice.undelivered(10)).extracting(InboundMessage::seq).containsExactly(2L);
		assertThat(this.alice.failedCount()).isEqualTo(1);
		assertThat(this.failedEvents.list("alice", 10)).singleElement().satisfies((failed) -> {
			assertThat(failed.seq()).isEqualTo(1);
			assertThat(failed.attempts()).isEqualTo(3);
			assertThat(failed.lastError()).isEqualTo("boom 3");
			assertThat(failed.payload()).isEqualTo(message("alice", 1).payload());
		});
		assertThat(this.failedEvents.list("bob", 10)).isEmpty();
	}

	@Test
	void retriedEventIsDeliveredAgainBeforeLaterEvents() {
		this.alice.append(messages("alice", 1, 2));
		this.alice.failed(1, "boom", 1);
		assertThat(this.failedEvents.retry("alice", 1)).isTrue();
		assertThat(this.requeued).containsExactly("alice");
		assertThat(this.alice.failedCount()).isZero();
		assertThat(this.alice.undelivered(10)).extracting(InboundMessage::seq).containsExactly(1L, 2L);
		// a fresh attempt budget
		assertThat(this.alice.failed(1, "boom", 2)).isFalse();
		assertThat(this.failedEvents.retry("alice", 2)).isFalse();
	}

	@Test
	void deletedParkedEventIsGone() {
		this.alice.append(messages("alice", 1, 1));
		this.alice.failed(1, "boom", 1);
		assertThat(this.failedEvents.delete("alice", 1)).isTrue();
		assertThat(this.failedEvents.delete("alice", 1)).isFalse();
		assertThat(this.alice.failedCount()).isZero();
		assertThat(this.database.count("select count(*) from realtime_inbox_event")).isZero();
	}

	@Test
	void resetDropsEventsAndContinuesFromTheServersSeq() {
		this.alice.append(messages("alice", 1, 3));
		this.alice.failed(1, "boom", 1);
		this.alice.reset(100);
		assertThat(this.alice.lastSeq()).isEqualTo(100);
		assertThat(this.alice.undelivered(10)).isEmpty();
		assertThat(this.alice.failedCount()).isZero();
		this.alice.append(messages("alice", 101, 101));
		assertThat(this.alice.undelivered(10)).extracting(InboundMessage::seq).containsExactly(101L);
	}

	@Test
	void clearDeletesOnlyThisUsersEventsAndCursor() {
		InboundStore bob = factory(false).create("bob");
		this.alice.append(messages("alice", 1, 3));
		bob.append(messages("bob", 1, 2));
		bob.failed(1, "boom", 1);
		this.alice.clear();
		assertThat(this.alice.lastSeq()).isZero();
		assertThat(this.alice.undelivered(10)).isEmpty();
		assertThat(bob.lastSeq()).isEqualTo(2);
		assertThat(bob.failedCount()).isEqualTo(1);
		assertThat(bob.undelivered(10)).extracting(InboundMessage::seq).containsExactly(2L);
		this.alice.append(messages("alice", 1, 1));
		assertThat(this.alice.lastSeq()).isEqualTo(1);
	}

	@Test
	void transactionalDeliveryCommitsListenerWritesWithTheDeliveredMark() {
		InboundStore store = factory(true).create("alice");
		store.append(messages("alice", 1, 1));
		InboundMessage message = store.undelivered(1).get(0);
		store.deliver(message, () -> this.database.jdbc.update("insert into listener_write values (?)", message.seq()));
		assertThat(this.database.count("select count(*) from listener_write")).isEqualTo(1);
		assertThat(store.undelivered(10)).isEmpty();
	}

	@Test
	void transactionalDeliveryRollsBackListenerWritesWhenTheListenerFails() {
		InboundStore store = factory(true).create("alice");
		store.append(messages("alice", 1, 1));
		InboundMessage message = store.undelivered(1).get(0);
		assertThatIllegalStateException(() -> store.deliver(message, () -> {
			this.database.jdbc.update("insert into listener_write values (?)", message.seq());
			throw new IllegalStateException("listener failed after writing");
		}));
		assertThat(this.database.count("select count(*) from listener_write")).isZero();
		assertThat(store.undelivered(10)).containsExactly(message);
	}

	@Test
	void nonTransactionalDeliveryKeepsListenerWritesOfAFailedAttempt() {
		this.alice.append(messages("alice", 1, 1));
		InboundMessage message = this.alice.undelivered(1).get(0);
		assertThatIllegalStateException(() -> this.alice.deliver(message, () -> {
			this.database.jdbc.update("insert into listener_write values (?)", message.seq());
			throw new IllegalStateException("listener failed after writing");
		}));
		assertThat(this.database.count("select count(*) from listener_write")).isEqualTo(1);
		assertThat(this.alice.undelivered(10)).containsExactly(message);
	}

	private static void assertThatIllegalStateException(Runnable action) {
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(action::run)
			.withMessage("listener failed after writing");
	}

	static InboundMessage message(String userId, long seq) {
		return new InboundMessage(userId, seq, "chat.message",
				JsonNodeFactory.instance.objectNode().put("text", "message " + seq), null, null, null);
	}

	static List<InboundMessage> messages(String userId, long from, long to) {
		List<InboundMessage> messages = new ArrayList<>();
		LongStream.rangeClosed(from, to).forEach((seq) -> messages.add(message(userId, seq)));
		return messages;
	}

}

package dev.realtime.client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real client against a hub that sends what no honest hub sends: malformed JSON,
 * unknown types, wrong field types, bad seqs, a flood. Each is logged and counted, and
 * the client neither crashes, nor reconnects for it, nor loses an event.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileHubClientTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private final List<InboundMessage> messages = new CopyOnWriteArrayList<>();

	private void connect() {
		// the fast backoff plays no part here: these tests do not reconnect, and the pace
		// of repeated resumes is fixed (100 ms doubling to 30 s), not a setting
		DefaultRealtimeClient client = TestClients
			.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t");
		client.onMessage(this.messages::add);
		this.fixture.connect(client);
	}

	@Test
	void malformedFramesAreLoggedCountedAndIgnored(CapturedOutput output) throws Exception {
		connect();
		List<String> hostile = List.of("not json", "{\"type\":\"ack\",\"ack_seq\":", "[1,", "", "null", "42",
				"{\"type\":\"teleport\",\"seq\":1}", "{\"type\":5}", "{\"ack_seq\":1}",
				"{\"type\":\"event\",\"seq\":-1,\"event\":\"x\",\"payload\":{}}",
				"{\"type\":\"event\",\"seq\":18446744073709551616,\"event\":\"x\",\"payload\":{}}",
				"{\"type\":\"event\",\"seq\":1.5,\"event\":\"x\",\"payload\":{}}",
				"{\"type\":\"event\",\"seq\":\"1\",\"event\":\"x\",\"payload\":{}}",
				"{\"type\":\"event\",\"seq\":1,\"event\":7,\"payload\":{}}",
				"{\"type\":\"event\",\"seq\":1,\"event\":\"x\",\"timestamp\":12}", "{\"type\":\"ack\",\"ack_seq\":-1}",
				"{\"type\":\"ack\",\"ack_seq\":\"2\"}", "{\"type\":\"ack\",\"ack_seq\":2.0}",
				"{\"type\":\"resume_response\",\"ack_seq\":0,\"events\":{}}",
				"{\"type\":\"resume_response\",\"ack_seq\":0,\"has_more\":\"yes\"}", "{\"type\":\"error\",\"code\":[]}",
				"{\"type\":\"meta\",\"event\":null}", "[{\"type\":\"meta\",\"event\":\"pong\"},17]",
				"{\"type\":\"meta\",\"event\":\"pong\",\"payload\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
				// valid for the codec, but the hub's events must carry a seq
				"{\"type\":\"event\",\"event\":\"x\",\"payload\":{}}");
		for (String text : hostile) {
			this.fixture.hub().sendRaw(text);
		}
		await().until(() -> this.fixture.client().metrics().invalidFrames() == hostile.size());
		assertThat(output).contains("Ignoring invalid frame from hub: Message is not valid JSON",
				"Unknown frame type 'teleport'", "Field 'seq' must be a non-negative integer",
				"Field 'ack_seq' must be a non-negative integer", "Batch element 1: Frame must be a JSON object");
		assertStillWorking();
		assertThat(this.fixture.hub().handshakes()).isEqualTo(1);
	}

	@Test
	void aFloodOfFramesIsProcessedWithoutStallingTheClient() throws Exception {
		connect();
		int floods = 200;
		StringBuilder batch = new StringBuilder("[");
		for (int i = 0; i < 100; i++) {
			batch.append((i % 2 == 0) ? "{\"type\":\"meta\",\"event\":\"pong\"}," : "{\"type\":\"bogus\"},");
		}
		String text = batch.substring(0, batch.length() - 1) + "]";
		for (int i = 0; i < floods; i++) {
			this.fixture.hub().sendRaw(text);
		}
		await().until(() -> this.fixture.client().metrics().invalidFrames() == floods * 50L);
		assertStillWorking();
		assertThat(this.fixture.hub().handshakes()).isEqualTo(1);
	}

	@Test
	void aMessageAboveTheFrameLimitDropsTheConnectionAndNothingElse(CapturedOutput output) throws Exception {
		connect();
		SendHandle before = this.fixture.client().sendEvent("note", Map.of("i", 1));
		before.acknowledged().get(10, TimeUnit.SECONDS);
		this.fixture.hub()
			.sendRaw("{\"type\":\"meta\",\"event\":\"pong\",\"payload\":{\"x\":\"" + "x".repeat(1 << 20) + "\"}}");
		await().until(() -> this.fixture.hub().handshakes() == 2
				&& this.fixture.client().connectionState() == ConnectionState.CONNECTED);
		assertStillWorking();
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::seq).containsExactly(1L, 2L);
	}

	@Test
	void aMessageOfExactlyTheFrameLimitArrivesWholeThoughTheContainerDeliversItInParts() throws Exception {
		connect();
		List<MetaFrame> signals = new CopyOnWriteArrayList<>();
		this.fixture.client().onMeta(signals::add);
		String text = multibyteTextForMessageOf(1 << 20);
		this.fixture.hub().sendRaw(metaMessage(text));
		await().until(() -> !signals.isEmpty());
		assertThat(signals).singleElement()
			.satisfies((signal) -> assertThat(signal.payload().get("x").stringValue()).isEqualTo(text));
		assertThat(this.fixture.client().metrics().invalidFrames()).isZero();
		assertStillWorking();
		assertThat(this.fixture.hub().handshakes()).isEqualTo(1);
	}

	@Test
	void aMessageWithinTheLimitInCharactersButAboveItInBytesDropsTheConnectionWith1009() throws Exception {
		connect();
		List<MetaFrame> signals = new CopyOnWriteArrayList<>();
		this.fixture.client().onMeta(signals::add);
		List<String> reasons = new CopyOnWriteArrayList<>();
		this.fixture.client().onConnectionStateChange((change) -> reasons.add(change.reason()));
		String text = multibyteTextForMessageOf((1 << 20) + 1);
		assertThat(metaMessage(text).length()).isLessThan(1 << 20);
		this.fixture.hub().sendRaw(metaMessage(text));
		await().until(() -> this.fixture.hub().handshakes() == 2
				&& this.fixture.client().connectionState() == ConnectionState.CONNECTED);
		assertThat(reasons).anySatisfy((reason) -> assertThat(reason).contains("1009"));
		assertThat(signals).isEmpty();
		assertStillWorking();
	}

	/**
	 * Return a text of 2-, 3- and 4-byte characters (the last a surrogate pair, which the
	 * container's parts may split) whose meta message is exactly this many UTF-8 bytes.
	 */
	private static String multibyteTextForMessageOf(int bytes) {
		String unit = "é€😀";
		int units = (bytes - utf8(metaMessage(""))) / utf8(unit);
		String text = unit.repeat(units);
		return text + "a".repeat(bytes - utf8(metaMessage(text)));
	}

	private static String metaMessage(String text) {
		return "{\"type\":\"meta\",\"event\":\"big.signal\",\"payload\":{\"x\":\"" + text + "\"}}";
	}

	private static int utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8).length;
	}

	@Test
	void resumeResponseThatSkipsASeqIsNotStoredOutOfOrder() {
		this.fixture.hub().store("alice", "n", Map.of("i", 1));
		this.fixture.hub().store("alice", "n", Map.of("i", 2));
		this.fixture.hub().store("alice", "n", Map.of("i", 3));
		this.fixture.hub().tamperWithResumeAnswers((answer) -> {
			// only the first answer lies: it leaves out seq 2
			this.fixture.hub().tamperWithResumeAnswers((honest) -> honest);
			return withEvents(answer, answer.events().stream().filter((event) -> event.seq() != 2).toList());
		});
		connect();
		await().until(() -> this.messages.size() >= 3);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L, 2L, 3L);
		assertThat(this.fixture.client().metrics().messagesReceived()).isEqualTo(3);
	}

	@Test
	void resumeResponseThatRepeatsSeqsStoresEachOnce() {
		this.fixture.hub().store("alice", "n", Map.of("i", 1));
		this.fixture.hub().store("alice", "n", Map.of("i", 2));
		this.fixture.hub().tamperWithResumeAnswers((answer) -> {
			List<EventFrame> doubled = new ArrayList<>();
			answer.events().forEach((event) -> {
				doubled.add(event);
				doubled.add(event);
			});
			return withEvents(answer, doubled);
		});
		connect();
		await().until(() -> this.fixture.client().metrics().duplicatesDropped() == 2);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L, 2L);
	}

	@Test
	void eventsAfterAGapAreFetchedAgainInOrder() {
		connect();
		this.fixture.hub().store("alice", "n", Map.of("i", 1));
		this.fixture.hub().store("alice", "n", Map.of("i", 2));
		EventFrame third = this.fixture.hub().store("alice", "n", Map.of("i", 3));
		// live push of seq 3 only: the client must fetch 1 and 2 first
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(third)));
		await().until(() -> this.messages.size() >= 3);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L, 2L, 3L);
	}

	@Test
	void resumePagesThatPromiseMoreButBringNothingAreAskedAgainAtAFallingRate() throws Exception {
		this.fixture.hub().store("alice", "n", Map.of("i", 1));
		this.fixture.hub().store("alice", "n", Map.of("i", 2));
		AtomicInteger answers = new AtomicInteger();
		this.fixture.hub().tamperWithResumeAnswers((answer) -> {
			answers.incrementAndGet();
			return new ResumeResponseFrame(answer.ackSeq(), List.of(), true, false, answer.lastSeq());
		});
		long start = System.nanoTime();
		connect();
		await().until(() -> this.fixture.client().metrics().invalidFrames() >= 4);
		// asked again after 100, 200 and 400 ms, not as fast as the network goes
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
		assertThat(answers.get()).isLessThanOrEqualTo(6);
		assertThat(this.messages).isEmpty();

		this.fixture.hub().tamperWithResumeAnswers((honest) -> honest);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.messages.size() >= 2);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L, 2L);
		assertStillWorking();
	}

	@Test
	void resumeAnswersThatKeepLeavingOutASeqAreAskedAgainAtAFallingRate() throws Exception {
		this.fixture.hub().store("alice", "n", Map.of("i", 1));
		this.fixture.hub().store("alice", "n", Map.of("i", 2));
		this.fixture.hub().store("alice", "n", Map.of("i", 3));
		AtomicInteger answers = new AtomicInteger();
		this.fixture.hub().tamperWithResumeAnswers((answer) -> {
			answers.incrementAndGet();
			return withEvents(answer, answer.events().stream().filter((event) -> event.seq() != 2).toList());
		});
		long start = System.nanoTime();
		connect();
		await().until(() -> this.fixture.client().metrics().invalidFrames() >= 3);
		// the first answer brings seq 1; those after it only seq 3, asked for after 100
		// and 200 ms
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
		assertThat(answers.get()).isLessThanOrEqualTo(5);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L);

		this.fixture.hub().tamperWithResumeAnswers((honest) -> honest);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.messages.size() >= 3);
		assertThat(this.messages).extracting(InboundMessage::seq).containsExactly(1L, 2L, 3L);
		assertStillWorking();
	}

	@Test
	void aHubThatClosesEachConnectionRightAfterItsResumeIsNotReconnectedToAsFastAsTheNetworkGoes() {
		// the default backoff (1 s, 20% jitter): at most one reconnect at once per second
		DefaultRealtimeClient client = TestClients
			.create(ClientSettings.builder(this.fixture.hub().uri(), "alice").build(), "t");
		List<ConnectionStateChange> changes = new CopyOnWriteArrayList<>();
		client.onConnectionStateChange(changes::add);
		// once the client has its resume answer: "token expired" and "reconnect at once"
		// in turn, off the client's thread
		AtomicInteger closes = new AtomicInteger();
		client.onConnectionStateChange((change) -> {
			if (change.current() == ConnectionState.CONNECTED) {
				int code = (closes.incrementAndGet() % 2 == 1) ? CloseCodes.TOKEN_EXPIRED : Transport.RECONNECT_AT_ONCE;
				CompletableFuture.runAsync(() -> this.fixture.hub().closeAll(code, "go away"));
			}
		});
		long start = System.nanoTime();
		this.fixture.use(client).connect();
		await().atMost(Duration.ofSeconds(15)).until(() -> this.fixture.hub().handshakes() >= 5);
		// connect; at once after 4001; after 0.8 to 1.2 s (the hub's 4900 is no
		// transport's move but a protocol error, 1002); at once after 4001 unless the
		// last was less than 1 s ago; after 0.8 to 1.2 s
		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1600));
		assertThat(changes).extracting(ConnectionStateChange::reason)
			.anyMatch((reason) -> reason != null && reason.contains("(4001"))
			.anyMatch((reason) -> reason != null && reason.contains("(1002"))
			.noneMatch((reason) -> reason != null && reason.contains("4900"));
	}

	@Test
	void anEventThatBreaksTheProtocolButFitsTheStoreIsCountedAndDelivered() throws Exception {
		connect();
		EventFrame spaced = this.fixture.hub().store("alice", "order status", Map.of("i", 1));
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(spaced)));
		await().until(() -> this.messages.size() == 1);
		assertThat(this.messages.get(0).event()).isEqualTo("order status");
		assertThat(this.fixture.client().metrics().invalidFrames()).isEqualTo(1);
		assertStillWorking();
	}

	@Test
	void anEventThatTheStoreCannotHoldIsNotStoredAndTheStreamWaitsForItsCorrection() throws Exception {
		connect();
		EventFrame valid = this.fixture.hub().store("alice", "order.status", Map.of("i", 1));
		EventFrame broken = new EventFrame(valid.seq(), "c".repeat(129), null, "order status", valid.payload(),
				valid.timestamp());
		this.fixture.hub()
			.tamperWithResumeAnswers((answer) -> withEvents(answer,
					answer.events()
						.stream()
						.map((event) -> event.seq().equals(valid.seq()) ? broken : event)
						.toList()));
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(broken)));
		// the live event, then the resume answers that bring it again
		await().until(() -> this.fixture.client().metrics().invalidFrames() >= 3);
		assertThat(this.messages).isEmpty();

		this.fixture.hub().tamperWithResumeAnswers((honest) -> honest);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.messages.size() == 1);
		assertThat(this.messages.get(0).event()).isEqualTo("order.status");
		assertStillWorking();
	}

	private static ResumeResponseFrame withEvents(ResumeResponseFrame answer, List<EventFrame> events) {
		return new ResumeResponseFrame(answer.ackSeq(), events, answer.hasMore(), answer.reset(), answer.lastSeq());
	}

	/**
	 * The client still sends, gets acks and stores inbound events.
	 */
	private void assertStillWorking() throws Exception {
		SendHandle handle = this.fixture.client().sendEvent("note", Map.of("still", "working"));
		assertThat(handle.acknowledged().get(10, TimeUnit.SECONDS).seq()).isNotNull();
		int before = this.messages.size();
		EventFrame event = this.fixture.hub().store("alice", "n", Map.of("after", "hostility"));
		this.fixture.hub().sendRaw(this.fixture.hub().encode(List.of(event)));
		await().until(() -> this.messages.size() > before);
		assertThat(this.messages.get(this.messages.size() - 1).seq()).isEqualTo(event.seq());
		assertThat(this.fixture.client().connectionState()).isEqualTo(ConnectionState.CONNECTED);
	}

}

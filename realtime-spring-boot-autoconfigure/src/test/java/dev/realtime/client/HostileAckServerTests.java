package dev.realtime.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A client with the default settings against a server of the test's own
 * ({@link LedgerServer}) whose acks claim what it was never sent: an ack far above any
 * seq given out, after every resume, while it drops the connection every 200 events; live
 * acks beyond what was sent; seqs above 2^53-1. Nothing the server did not accept is
 * deleted, and every event reaches it exactly once.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileAckServerTests {

	private static final long FAR_ABOVE = 999_999_998L;

	private static final long ABOVE_MAX_SEQ = 1L << 53;

	private LedgerServer server;

	private DefaultRealtimeClient client;

	@BeforeEach
	void start() throws Exception {
		this.server = new LedgerServer();
	}

	@AfterEach
	void stop() throws Exception {
		if (this.client != null) {
			this.client.close();
		}
		this.server.close();
	}

	private void connect() {
		this.client = TestClients.create(ClientSettings.builder(this.server.uri(), "alice").build(), "t");
		TestClients.connect(this.client, Duration.ofSeconds(10));
	}

	private List<SendHandle> send(int count) {
		List<SendHandle> handles = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			handles.add(this.client.sendEvent("n", Map.of("i", i)));
		}
		return handles;
	}

	private static void awaitAcked(List<SendHandle> handles) throws Exception {
		CompletableFuture.allOf(handles.stream().map(SendHandle::acknowledged).toArray(CompletableFuture[]::new))
			.get(120, TimeUnit.SECONDS);
	}

	private void assertServerHoldsExactly(List<SendHandle> handles) {
		assertThat(this.server.acceptedKeys()).hasSize(handles.size())
			.containsExactlyInAnyOrderElementsOf(handles.stream().map(SendHandle::idempotencyKey).toList());
		assertThat(this.server.conflicts()).isEmpty();
	}

	@Test
	void aServerThatResumesWithAnAckFarAboveAnySeqAfterEveryDropGetsEveryEventOnce(CapturedOutput output)
			throws Exception {
		this.server.lieInResumes((honest) -> FAR_ABOVE);
		this.server.dropEvery(200);
		connect();
		List<SendHandle> handles = send(2000);
		awaitAcked(handles);
		assertServerHoldsExactly(handles);
		// dropped whenever a frame (of up to 500 events) took the count of new events to
		// 200 or more: at least twice for 2,000
		assertThat(this.server.handshakes()).isGreaterThanOrEqualTo(3);
		// the first answer is taken for a restored store: the events move above it once
		ClientMetrics metrics = this.client.metrics();
		assertThat(metrics.outboundResequences()).isOne();
		assertThat(count(output, "Hub resumed with ack_seq " + FAR_ABOVE + ", above every seq")).isOne();
		assertThat(metrics.messagesAcked()).isEqualTo(2000);
		assertThat(metrics.queueSize()).isZero();
		System.out.println("resume lie: sent 2000, server held " + this.server.acceptedKeys().size() + ", handshakes "
				+ this.server.handshakes() + ", invalid frames " + metrics.invalidFrames() + ", resequences "
				+ metrics.outboundResequences());
	}

	@Test
	void aServerThatAcksFarAboveAnySeqAfterEveryResumeGetsEveryEventOnce(CapturedOutput output) throws Exception {
		this.server.ackAfterEachResume(FAR_ABOVE);
		this.server.dropEvery(200);
		connect();
		List<SendHandle> handles = send(2000);
		awaitAcked(handles);
		assertServerHoldsExactly(handles);
		// one false ack per connection (the last one's may follow the resume answer that
		// completed the last events): counted, never enough to close one
		await().until(() -> this.client.metrics().invalidFrames() == this.server.handshakes());
		ClientMetrics metrics = this.client.metrics();
		assertThat(this.server.closeCodes()).doesNotContain(1002);
		assertThat(metrics.outboundResequences()).isZero();
		assertThat(metrics.messagesAcked()).isEqualTo(2000);
		System.out.println("live lie: sent 2000, server held " + this.server.acceptedKeys().size() + ", handshakes "
				+ this.server.handshakes() + ", invalid frames " + metrics.invalidFrames());
	}

	@Test
	void liveAcksBeyondWhatWasSentDeleteNothingAndTheFifthClosesTheConnectionWith1002(CapturedOutput output)
			throws Exception {
		connect();
		this.server.acking(false);
		List<SendHandle> handles = send(3);
		await().until(() -> this.server.acceptedKeys().size() == 3);
		for (int i = 1; i < 5; i++) {
			this.server.sendToAll("{\"type\":\"ack\",\"ack_seq\":" + (1000 + i) + "}");
		}
		await().until(() -> this.client.metrics().invalidFrames() == 4);
		assertThat(handles).noneMatch((handle) -> handle.acknowledged().isDone());
		assertThat(this.client.metrics().queueSize()).isEqualTo(3);
		assertThat(this.client.metrics().messagesAcked()).isZero();
		assertThat(count(output, "beyond the highest seq this client sent")).as("logged once per connection").isOne();
		assertThat(this.server.handshakes()).isOne();

		this.server.sendToAll("{\"type\":\"ack\",\"ack_seq\":1005}");
		await().until(() -> this.server.closeCodes().contains(1002));
		assertThat(handles).noneMatch((handle) -> handle.acknowledged().isDone());
		// reconnected with backoff, resumed, resent: the server acks them now
		this.server.acking(true);
		awaitAcked(handles);
		assertThat(this.server.handshakes()).isEqualTo(2);
		assertThat(handles).extracting((handle) -> handle.acknowledged().get().seq()).containsExactly(1L, 2L, 3L);
		assertServerHoldsExactly(handles);
		assertThat(this.client.metrics().invalidFrames()).isEqualTo(5);
	}

	@Test
	void anAckSeqAboveTheProtocolsHighestSeqIsInvalidLiveAndInAResume() throws Exception {
		connect();
		this.server.acking(false);
		List<SendHandle> handles = send(2);
		await().until(() -> this.server.acceptedKeys().size() == 2);
		this.server.sendToAll("{\"type\":\"ack\",\"ack_seq\":" + ABOVE_MAX_SEQ + "}");
		await().until(() -> this.client.metrics().invalidFrames() == 1);
		assertThat(handles).noneMatch((handle) -> handle.acknowledged().isDone());

		// not taken for a restored store either: nothing moves, the events keep their
		// seqs
		this.server.lieInResumes((honest) -> ABOVE_MAX_SEQ);
		this.server.acking(true);
		this.server.dropAll();
		await().until(() -> this.client.metrics().invalidFrames() == 2);
		awaitAcked(handles);
		assertThat(handles).extracting((handle) -> handle.acknowledged().get().seq()).containsExactly(1L, 2L);
		assertThat(this.client.metrics().outboundResequences()).isZero();
		assertServerHoldsExactly(handles);
	}

	@Test
	void aSeqTheServerAcceptedWithAnotherKeyIsRejectedAndDeadLetteredVisibly(CapturedOutput output) {
		connect();
		// the server accepted seq 1 from an earlier store with this client id but says it
		// accepted nothing
		this.server.accepted(1, "someone-else");
		this.server.lieInResumes((honest) -> 0);
		SendHandle handle = this.client.sendEvent("n", Map.of("i", 1));
		assertThatExceptionOfType(Exception.class).isThrownBy(() -> handle.acknowledged().get(10, TimeUnit.SECONDS))
			.havingRootCause()
			.isInstanceOfSatisfying(EventRejectedException.class,
					(rejected) -> assertThat(rejected.getCode()).isEqualTo("seq_conflict"));
		assertThat(this.server.conflicts()).containsExactly("1: someone-else / " + handle.idempotencyKey());
		await().until(() -> this.client.metrics().deadLetters() == 1);
		assertThat(output).contains("seq_conflict");
	}

	/**
	 * Return how often a text was logged.
	 * @param output the output the test captured
	 * @param text the text
	 * @return the number of times it appears
	 */
	static int count(CapturedOutput output, String text) {
		Matcher matcher = Pattern.compile(Pattern.quote(text)).matcher(output.getAll());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

}

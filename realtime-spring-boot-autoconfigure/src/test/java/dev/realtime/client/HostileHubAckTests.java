package dev.realtime.client;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hub that acknowledges what it was never sent: an {@code ack} above the highest seq
 * sent, or a {@code resume_response} whose {@code ack_seq} claims more than was sent. The
 * client must log and count the lie and must not treat an event the hub never accepted as
 * delivered. {@link HostileAckServerTests} has more, against a server of its own.
 */
@ExtendWith(OutputCaptureExtension.class)
class HostileHubAckTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	private void connect() {
		this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
	}

	@Test
	void ackAboveTheHighestSentIsCountedAndCompletesNothing(CapturedOutput output) throws Exception {
		connect();
		this.fixture.hub().acking(false);
		SendHandle first = this.fixture.client().sendEvent("n", Map.of("i", 1));
		SendHandle second = this.fixture.client().sendEvent("n", Map.of("i", 2));
		await().until(() -> this.fixture.hub().received().size() == 2);
		this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":1000}");
		await().until(() -> this.fixture.client().metrics().invalidFrames() == 1);
		assertThat(output).contains("1000");
		// the hub never accepted what the ack claims: nothing is completed
		SendHandle third = this.fixture.client().sendEvent("n", Map.of("i", 3));
		await().until(() -> this.fixture.hub().received().size() == 3);
		assertThat(first.acknowledged()).isNotDone();
		assertThat(second.acknowledged()).isNotDone();
		assertThat(third.acknowledged()).isNotDone();
		assertThat(this.fixture.client().metrics().queueSize()).isEqualTo(3);
		this.fixture.hub().acking(true);
		SendHandle fourth = this.fixture.client().sendEvent("n", Map.of("i", 4));
		fourth.acknowledged().get(10, TimeUnit.SECONDS);
		first.acknowledged().get(10, TimeUnit.SECONDS);
		third.acknowledged().get(10, TimeUnit.SECONDS);
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::seq).containsExactly(1L, 2L, 3L, 4L);
	}

	@Test
	void ackForASeqNeverSentIsCountedAndIgnored(CapturedOutput output) throws Exception {
		connect();
		this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":5}");
		await().until(() -> this.fixture.client().metrics().invalidFrames() == 1);
		this.fixture.hub().acking(false);
		SendHandle handle = this.fixture.client().sendEvent("n", Map.of("i", 1));
		await().until(() -> this.fixture.hub().received().size() == 1);
		assertThat(this.fixture.hub().received().get(0).seq()).isEqualTo(1);
		assertThat(handle.acknowledged()).isNotDone();
		this.fixture.hub().acking(true);
		this.fixture.client().sendEvent("n", Map.of("i", 2)).acknowledged().get(10, TimeUnit.SECONDS);
		assertThat(handle.acknowledged()).isDone();
	}

	@Test
	void resumeResponseClaimingMoreThanTheStoreGaveOutMovesTheUnackedEventsAboveIt(CapturedOutput output)
			throws Exception {
		connect();
		this.fixture.hub().acking(false);
		SendHandle first = this.fixture.client().sendEvent("n", Map.of("i", 1));
		await().until(() -> this.fixture.hub().received().size() == 1);
		this.fixture.hub()
			.tamperWithResumeAnswers((answer) -> new ResumeResponseFrame(1000, answer.events(), answer.hasMore(),
					answer.reset(), answer.lastSeq()));
		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");
		// the hub knows seqs the store never gave out: the event is resent above them
		await().until(() -> this.fixture.hub().received().size() == 2);
		assertThat(first.acknowledged()).isNotDone();
		assertThat(this.fixture.client().metrics().outboundResequences()).isOne();
		assertThat(output).contains("Hub resumed with ack_seq 1000, above every seq");
		this.fixture.hub().tamperWithResumeAnswers((answer) -> answer);
		this.fixture.hub().acking(true);
		SendHandle second = this.fixture.client().sendEvent("n", Map.of("i", 2));
		assertThat(second.acknowledged().get(10, TimeUnit.SECONDS).seq()).isEqualTo(1002);
		assertThat(first.acknowledged().get(10, TimeUnit.SECONDS).seq()).isEqualTo(1001);
		assertThat(this.fixture.hub().received()).extracting(EventFrame::seq).containsExactly(1L, 1001L, 1002L);
		assertThat(this.fixture.hub().received()).extracting(EventFrame::idempotencyKey)
			.containsExactly(first.idempotencyKey(), first.idempotencyKey(), second.idempotencyKey());
	}

}

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
 * client must log and count the lie and must not treat an event it has not sent yet as
 * delivered.
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
	void ackAboveTheHighestSentIsCountedAndDoesNotAckLaterEvents(CapturedOutput output) throws Exception {
		connect();
		this.fixture.hub().acking(false);
		SendHandle first = this.fixture.client().sendEvent("n", Map.of("i", 1));
		SendHandle second = this.fixture.client().sendEvent("n", Map.of("i", 2));
		await().until(() -> this.fixture.hub().received().size() == 2);
		this.fixture.hub().sendRaw("{\"type\":\"ack\",\"ack_seq\":1000}");
		await().until(() -> this.fixture.client().metrics().invalidFrames() == 1);
		assertThat(output).contains("1000");
		// the two sent events are covered by the ack; the next ones are not
		first.acknowledged().get(10, TimeUnit.SECONDS);
		second.acknowledged().get(10, TimeUnit.SECONDS);
		SendHandle third = this.fixture.client().sendEvent("n", Map.of("i", 3));
		await().until(() -> this.fixture.hub().received().size() == 3);
		assertThat(third.acknowledged()).isNotDone();
		this.fixture.hub().acking(true);
		SendHandle fourth = this.fixture.client().sendEvent("n", Map.of("i", 4));
		fourth.acknowledged().get(10, TimeUnit.SECONDS);
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
	void resumeResponseClaimingMoreThanWasSentIsCountedAndLosesNothing(CapturedOutput output) throws Exception {
		connect();
		this.fixture.hub().acking(false);
		SendHandle first = this.fixture.client().sendEvent("n", Map.of("i", 1));
		await().until(() -> this.fixture.hub().received().size() == 1);
		this.fixture.hub()
			.tamperWithResumeAnswers((answer) -> new ResumeResponseFrame(1000, answer.events(), answer.hasMore(),
					answer.reset(), answer.lastSeq()));
		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");
		await().until(() -> this.fixture.hub().handshakes() == 2
				&& this.fixture.client().connectionState() == ConnectionState.CONNECTED);
		await().until(() -> this.fixture.client().metrics().invalidFrames() == 1);
		first.acknowledged().get(10, TimeUnit.SECONDS);
		this.fixture.hub().tamperWithResumeAnswers((answer) -> answer);
		SendHandle second = this.fixture.client().sendEvent("n", Map.of("i", 2));
		await().until(() -> this.fixture.hub().received().size() >= 2);
		assertThat(second.acknowledged()).isNotDone();
		this.fixture.hub().acking(true);
		this.fixture.client().sendEvent("n", Map.of("i", 3)).acknowledged().get(10, TimeUnit.SECONDS);
		second.acknowledged().get(10, TimeUnit.SECONDS);
		assertThat(this.fixture.hub().accepted()).extracting(EventFrame::seq).containsExactly(1L, 2L, 3L);
		assertThat(this.fixture.hub().accepted()).extracting((event) -> event.payload().get("i").intValue())
			.containsExactly(1, 2, 3);
	}

}

package dev.realtime.client;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestClients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A payload is serialized once, at {@code sendEvent}: the size check, the stored event
 * and every frame that carries it (a resend included) use that JSON text.
 */
class PayloadSerializedOnceTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.direct();

	@Test
	void aDurableEventsPayloadIsSerializedOnceThoughItIsSentTwice() throws Exception {
		RealtimeClient client = this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		this.fixture.hub().acking(false);
		CountingPayload payload = new CountingPayload("héllo \"quoted\"");

		SendHandle handle = client.sendEvent("chat.message", payload);
		await().until(() -> this.fixture.hub().received().size() == 1);
		this.fixture.hub().acking(true);
		// the hub answers the resume as if it never got the event: the client sends it
		// again
		this.fixture.hub()
			.tamperWithResumeAnswers((honest) -> new ResumeResponseFrame(0, honest.events(), honest.hasMore(),
					honest.reset(), honest.lastSeq()));
		this.fixture.hub().closeAll(CloseCodes.GOING_AWAY, "restart");

		handle.acknowledged().get(10, TimeUnit.SECONDS);
		assertThat(this.fixture.hub().received()).as("sent, then resent after the reconnect").hasSize(2);
		assertThat(this.fixture.hub().received())
			.allSatisfy((frame) -> assertThat(frame.payload().get("text").stringValue()).isEqualTo("héllo \"quoted\""));
		assertThat(payload.serializations()).isOne();
	}

	@Test
	void anAtMostOnceEventsPayloadIsSerializedOnce() {
		RealtimeClient client = this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));
		CountingPayload payload = new CountingPayload("hi");

		client.sendEvent("chat.message", payload, SendOptions.with(DeliveryStrategy.AT_MOST_ONCE));

		await().until(() -> this.fixture.hub().received().size() == 1);
		assertThat(this.fixture.hub().received().get(0).payload().get("text").stringValue()).isEqualTo("hi");
		assertThat(payload.serializations()).isOne();
	}

	@Test
	void aPayloadThatCannotBeSerializedIsRejectedAtSendEventAndLeavesNothingPending() {
		RealtimeClient client = this.fixture
			.connect(TestClients.create(TestClients.fastSettings(this.fixture.hub().uri(), "alice").build(), "t"));

		assertThatIllegalArgumentException().isThrownBy(() -> client.sendEvent("chat.message", new FailingPayload()))
			.withMessageContaining("cannot be converted to JSON");
		assertThat(client.pendingCount()).isZero();
	}

	/**
	 * A payload that counts how often it is serialized: Jackson reads its one property
	 * once per serialization.
	 */
	public static final class CountingPayload {

		private final AtomicInteger serializations = new AtomicInteger();

		private final String text;

		CountingPayload(String text) {
			this.text = text;
		}

		public String getText() {
			this.serializations.incrementAndGet();
			return this.text;
		}

		int serializations() {
			return this.serializations.get();
		}

	}

	/**
	 * A payload Jackson cannot serialize.
	 */
	public static final class FailingPayload {

		public String getText() {
			throw new IllegalStateException("no text");
		}

	}

}

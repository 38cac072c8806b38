package dev.realtime.demo.delivery;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.context.annotation.Import;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.EventTooLargeException;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;
import dev.realtime.hub.AcceptedEvent;
import dev.realtime.hub.HubTap;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.FrameSizes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The frame limit ({@code realtime.max-frame-size}, default 1 MiB) holds for every frame
 * the client sends: an event whose encoded frame is exactly the limit is delivered and
 * one a byte larger fails at {@code sendEvent} with {@link EventTooLargeException},
 * nothing written, with or without batching; and a batch of events that together exceed
 * the limit is split. The hub accepts frames and payloads up to 2 MB here, so that the
 * tap measures any frame above the client's limit instead of the connection just closing
 * with 1009.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "realtime.auto-connect=false", "realtime.hub.max-frame-size=2MB",
				"realtime.hub.max-payload-size=2MB", "realtime.hub.tokens.frames-batched=frames-batched",
				"realtime.hub.tokens.frames-single=frames-single", "realtime.hub.tokens.frames-split=frames-split" })
@Import(HubTap.class)
class FrameLimitIntegrationTests extends ClientAgainstHubSupport {

	private static final int LIMIT = 1024 * 1024;

	/** Characters of 2, 3 and 4 UTF-8 bytes. */
	private static final String MULTIBYTE = "é€😀";

	/**
	 * An instant whose text is as wide as those of the client's timestamps (taken from
	 * the system clock, which has nanoseconds on Linux and coarser ticks elsewhere). One
	 * clock reading in a thousand ends in 000 and is three characters shorter.
	 */
	private static final Instant STAMP = stampAsWideAsTheClock();

	@Autowired
	private HubTap tap;

	private final FrameCodec codec = new FrameCodec();

	@ParameterizedTest
	@ValueSource(booleans = { true, false })
	void eventOfExactlyTheLimitIsDeliveredAndOneByteMoreFailsAtSend(boolean batching) {
		String user = batching ? "frames-batched" : "frames-single";
		RealtimeClient realtime = startClient(user, batching);
		String text = textForFrameOf(LIMIT, realtime.clientId(), "exact-key", "frame.big");
		SendHandle exact = realtime.sendEvent("frame.big", Map.of("text", text),
				SendOptions.defaults().idempotencyKey("exact-key"));
		exact.acknowledged().orTimeout(60, TimeUnit.SECONDS).join();
		assertThat(accepted(realtime)).singleElement()
			.satisfies((event) -> assertThat(event.payload().get("text").stringValue()).isEqualTo(text));

		String over = textForFrameOf(LIMIT + 1, realtime.clientId(), "over-key", "frame.big");
		long pending = realtime.pendingCount();
		assertThatThrownBy(() -> realtime.sendEvent("frame.big", Map.of("text", over),
				SendOptions.defaults().idempotencyKey("over-key")))
			.isInstanceOfSatisfying(EventTooLargeException.class,
					(ex) -> assertThat(ex.getFrameBytes()).isEqualTo(LIMIT + 1));
		assertThat(realtime.pendingCount()).isEqualTo(pending);
		// the stream goes on and never carries the refused event
		realtime.sendEvent("frame.small", Map.of("text", MULTIBYTE))
			.acknowledged()
			.orTimeout(30, TimeUnit.SECONDS)
			.join();
		assertThat(this.hub.acceptedEvents(realtime.clientId())).extracting(AcceptedEvent::idempotencyKey)
			.doesNotContain("over-key");
		assertThat(this.tap.traffic(user).messageBytes())
			.allSatisfy((size) -> assertThat(size).isLessThanOrEqualTo(LIMIT));
	}

	@Test
	void eventsThatTogetherExceedTheLimitAreSplitIntoFramesWithinIt() {
		RealtimeClient realtime = startClient("frames-split", true);
		String text = "x".repeat(60 * 1024);
		List<SendHandle> handles = new ArrayList<>();
		// committed together, the 20 events are pending at once and go out in as few
		// frames as fit
		client().getBean(TransactionTemplate.class).executeWithoutResult((status) -> {
			for (int i = 1; i <= 20; i++) {
				handles.add(realtime.sendEvent("frame.part", Map.of("i", i, "text", text)));
			}
		});
		handles.forEach((handle) -> handle.acknowledged().orTimeout(60, TimeUnit.SECONDS).join());
		assertThat(accepted(realtime)).hasSize(20);
		HubTap.Traffic traffic = this.tap.traffic("frames-split");
		assertThat(traffic.messageBytes()).allSatisfy((size) -> assertThat(size).isLessThanOrEqualTo(LIMIT));
		assertThat(traffic.messageBytes()).as("frames that carry several of the events")
			.anySatisfy((size) -> assertThat(size).isGreaterThan(2 * text.length()));
		assertThat(traffic.closeCodes()).doesNotContain(1009);
	}

	/**
	 * Build a multibyte text whose event, encoded with the widest seq, makes a frame of
	 * the given size in UTF-8 bytes.
	 */
	private String textForFrameOf(int bytes, String clientId, String key, String event) {
		long base = frameBytes(MULTIBYTE, clientId, key, event);
		int missing = (int) (bytes - base);
		// 'é' is two bytes, 'a' one
		String text = MULTIBYTE + "é".repeat(missing / 2) + "a".repeat(missing % 2);
		assertThat(frameBytes(text, clientId, key, event)).isEqualTo(bytes);
		return text;
	}

	private long frameBytes(String text, String clientId, String key, String event) {
		return FrameSizes.maxEventFrameBytes(this.codec, clientId, key, event,
				this.codec.toPayloadJson(Map.of("text", text)), STAMP);
	}

	private static Instant stampAsWideAsTheClock() {
		int nanosDigits = 0;
		for (int i = 0; i < 20; i++) {
			int nano = Clock.systemUTC().instant().getNano();
			int digits = (nano % 1000 != 0) ? 9 : (nano % 1_000_000 != 0) ? 6 : (nano != 0) ? 3 : 0;
			nanosDigits = Math.max(nanosDigits, digits);
		}
		long nanos = switch (nanosDigits) {
			case 9 -> 1;
			case 6 -> 1_000;
			case 3 -> 1_000_000;
			default -> 0;
		};
		return Instant.parse("2026-01-01T00:00:00Z").plusNanos(nanos);
	}

	private RealtimeClient startClient(String user, boolean batching) {
		// batching is on by default (adaptive); a batch size of 1 sends each event in its
		// own frame
		return batching ? startClient(user) : startClient(user, "realtime.batch.size=1");
	}

	private List<AcceptedEvent> accepted(RealtimeClient realtime) {
		List<AcceptedEvent> big = new ArrayList<>(accepted(realtime, "frame.big"));
		big.addAll(accepted(realtime, "frame.part"));
		return big;
	}

}

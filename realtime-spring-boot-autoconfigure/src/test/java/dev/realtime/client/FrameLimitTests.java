package dev.realtime.client;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.client.internal.InMemoryInboundStore;
import dev.realtime.client.internal.InMemoryOutboundQueue;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.test.TestClients;
import dev.realtime.transport.websocket.WebSocketTransport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The frame limit at {@code sendEvent}, to the byte: a durable event whose frame (with
 * the widest seq it could be given) is exactly the limit is accepted, one a byte larger
 * is refused with nothing pending. The expected sizes come from encoding the whole frame,
 * not from the client's own arithmetic. The client is never connected: the check is at
 * the sender.
 */
class FrameLimitTests {

	private static final int LIMIT = 4096;

	/** Characters of 2, 3 and 4 UTF-8 bytes. */
	private static final String MULTIBYTE = "é€😀";

	private static final Instant NOW = Instant.parse("2026-12-07T10:15:30.123456789Z");

	private final FrameCodec codec = new FrameCodec();

	private final DefaultRealtimeClient client = new DefaultRealtimeClient(
			TestClients.fastSettings(URI.create("ws://127.0.0.1:9/realtime"), "alice").maxFrameSize(LIMIT).build(),
			new WebSocketTransport(LIMIT, Duration.ofSeconds(5), Executors.newCachedThreadPool()),
			new StaticTokenProvider("t"), new InMemoryOutboundQueue(100), new InMemoryInboundStore(), this.codec,
			Clock.fixed(NOW, ZoneOffset.UTC));

	@AfterEach
	void close() {
		this.client.close();
	}

	@Test
	void aDurableEventWhoseFrameIsExactlyTheLimitIsAcceptedAndOneByteMoreIsRefused() {
		String exact = textForFrameOf(LIMIT, "exact-key");
		this.client.sendEvent("frame.big", Map.of("text", exact), SendOptions.defaults().idempotencyKey("exact-key"));
		assertThat(this.client.pendingCount()).isOne();

		String over = textForFrameOf(LIMIT + 1, "over-key");
		assertThatExceptionOfType(EventTooLargeException.class)
			.isThrownBy(() -> this.client.sendEvent("frame.big", Map.of("text", over),
					SendOptions.defaults().idempotencyKey("over-key")))
			.satisfies((ex) -> assertThat(ex.getFrameBytes()).isEqualTo(LIMIT + 1));
		assertThat(this.client.pendingCount()).isOne();
	}

	/** A multibyte text whose event frame, with the widest seq, is the given size. */
	private String textForFrameOf(int bytes, String key) {
		int missing = (int) (bytes - frameBytes(MULTIBYTE, key));
		// 'é' is two bytes, 'a' one
		String text = MULTIBYTE + "é".repeat(missing / 2) + "a".repeat(missing % 2);
		assertThat(frameBytes(text, key)).isEqualTo(bytes);
		return text;
	}

	private long frameBytes(String text, String key) {
		String json = this.codec.toPayloadJson(Map.of("text", text));
		String frame = this.codec.encode(new EventFrame(Long.MAX_VALUE, this.client.clientId(), key, "frame.big",
				FrameCodec.rawPayload(json), NOW));
		return frame.getBytes(StandardCharsets.UTF_8).length;
	}

}

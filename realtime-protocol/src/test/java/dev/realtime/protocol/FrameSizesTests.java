package dev.realtime.protocol;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The size the client checks against the frame limit is the size of the frame as it goes
 * over the wire, counted without building that frame.
 */
class FrameSizesTests {

	private static final Instant STAMP = Instant.parse("2026-12-07T10:15:30.123456789Z");

	private final FrameCodec codec = new FrameCodec();

	@Test
	void maxEventFrameBytesIsTheUtf8SizeOfTheFrameWithTheWidestSeq() {
		// characters of 1, 2, 3 and 4 UTF-8 bytes, and ones JSON escapes
		String json = this.codec.toPayloadJson(Map.of("text", "aé€😀 \"quoted\" \\ \n"));
		String frame = this.codec.encode(new EventFrame(Long.MAX_VALUE, "client-é", "key-1", "chat.message",
				FrameCodec.rawPayload(json), STAMP));

		assertThat(FrameSizes.maxEventFrameBytes(this.codec, "client-é", "key-1", "chat.message", json, STAMP))
			.isEqualTo(frame.getBytes(StandardCharsets.UTF_8).length);
	}

	@Test
	void noSeqMakesTheFrameLargerThanMaxEventFrameBytes() {
		String json = this.codec.toPayloadJson(Map.of("text", "€😀"));
		long max = FrameSizes.maxEventFrameBytes(this.codec, "c1", "k1", "x", json, null);
		for (long seq : new long[] { 1, 1_000_000, Long.MAX_VALUE }) {
			String frame = this.codec.encode(new EventFrame(seq, "c1", "k1", "x", FrameCodec.rawPayload(json), null));
			assertThat((long) frame.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(max);
		}
	}

	@Test
	void utf8LengthCountsBytesAsTheJdkEncodesThem() {
		for (String text : new String[] { "", "a", "é", "€", "😀", "a\uD800b", "\uDC00" }) {
			assertThat(FrameSizes.utf8Length(text)).as(text).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
		}
	}

}

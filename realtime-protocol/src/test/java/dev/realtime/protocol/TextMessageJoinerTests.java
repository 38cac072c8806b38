package dev.realtime.protocol;

import org.junit.jupiter.api.Test;

import dev.realtime.protocol.TextMessageJoiner.MessageTooBigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class TextMessageJoinerTests {

	private static final String EMOJI = "\uD83D\uDE00";

	@Test
	void aWholeMessageIsPassedOnAsItCame() {
		TextMessageJoiner joiner = new TextMessageJoiner(10);
		String text = "0123456789";
		assertThat(joiner.add(text, true)).isSameAs(text);
	}

	@Test
	void partsAreJoinedOnceTheLastCame() {
		TextMessageJoiner joiner = new TextMessageJoiner(100);
		assertThat(joiner.add("{\"type\":", false)).isNull();
		assertThat(joiner.add("\"ack\",", false)).isNull();
		assertThat(joiner.add("\"ack_seq\":1}", true)).isEqualTo("{\"type\":\"ack\",\"ack_seq\":1}");
		assertThat(joiner.add("next", true)).isEqualTo("next");
	}

	@Test
	void theLimitCountsUtf8BytesOfWholeMessages() {
		// three bytes a character
		TextMessageJoiner joiner = new TextMessageJoiner(9);
		assertThat(joiner.add("\u20AC\u20AC\u20AC", true)).isEqualTo("\u20AC\u20AC\u20AC");
		assertThatExceptionOfType(MessageTooBigException.class)
			.isThrownBy(() -> joiner.add("\u20AC\u20AC\u20ACx", true))
			.withMessage("A text message of at least 10 bytes, above the limit of 9 bytes");
		assertThat(joiner.add("ok", true)).isEqualTo("ok");
	}

	@Test
	void theLimitCountsUtf8BytesAcrossParts() {
		TextMessageJoiner joiner = new TextMessageJoiner(7);
		assertThat(joiner.add("\u00E9\u00E9", false)).isNull();
		assertThat(joiner.add("\u20AC", true)).isEqualTo("\u00E9\u00E9\u20AC");
		assertThat(joiner.add("\u00E9\u00E9", false)).isNull();
		assertThatExceptionOfType(MessageTooBigException.class).isThrownBy(() -> joiner.add("\u20ACx", true));
	}

	@Test
	void aSurrogatePairSplitBetweenPartsCountsFourBytes() {
		TextMessageJoiner atFive = new TextMessageJoiner(5);
		assertThat(atFive.add("a\uD83D", false)).isNull();
		assertThat(atFive.add("\uDE00", true)).isEqualTo("a" + EMOJI);
		TextMessageJoiner atFour = new TextMessageJoiner(4);
		assertThat(atFour.add("a\uD83D", false)).isNull();
		assertThatExceptionOfType(MessageTooBigException.class).isThrownBy(() -> atFour.add("\uDE00", true));
	}

	@Test
	void theRestOfAMessageTooBigIsDroppedAndTheNextOneJoined() {
		TextMessageJoiner joiner = new TextMessageJoiner(4);
		assertThat(joiner.add("abc", false)).isNull();
		assertThatExceptionOfType(MessageTooBigException.class).isThrownBy(() -> joiner.add("de", false));
		assertThat(joiner.add("fgh", false)).isNull();
		assertThat(joiner.add("ijk", true)).isNull();
		assertThat(joiner.add("ab", false)).isNull();
		assertThat(joiner.add("cd", true)).isEqualTo("abcd");
	}

}

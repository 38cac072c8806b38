package dev.realtime.outbox;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.spi.SequencedMessage;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link WrittenRows}: what the relay may take without reading the database.
 */
class WrittenRowsTests {

	private final WrittenRows.Budget budget = new WrittenRows.Budget(10);

	private final WrittenRows rows = new WrittenRows(this.budget);

	@Test
	void takesTheRunThatFollowsTheLastClaimedSeq() {
		add(4, 5, 6);
		assertThat(this.rows.takeAfter(2, 10)).as("seq 3 is only in the database").isEmpty();
		assertThat(this.rows.startsAfter(2)).isTrue();
		assertThat(seqs(this.rows.takeAfter(3, 2))).containsExactly(4L, 5L);
		assertThat(seqs(this.rows.takeAfter(5, 10))).containsExactly(6L);
		assertThat(this.rows.takeAfter(6, 10)).isEmpty();
		assertThat(this.rows.startsAfter(6)).isFalse();
	}

	@Test
	void aSeqNumberedElsewhereInBetweenDropsTheRunBeforeIt() {
		add(1, 2);
		assertThat(this.rows.add(4, message())).isTrue();
		assertThat(this.rows.takeAfter(0, 10)).as("1 and 2 are read from the database").isEmpty();
		assertThat(seqs(this.rows.takeAfter(3, 10))).containsExactly(4L);
	}

	@Test
	void eventsClaimedFromTheDatabaseAreDropped() {
		add(1, 2, 3);
		this.rows.discardUpTo(2);
		assertThat(seqs(this.rows.takeAfter(2, 10))).containsExactly(3L);
	}

	@Test
	void theSharedBudgetBoundsWhatIsKeptAndComesBackWhenTaken() {
		WrittenRows other = new WrittenRows(this.budget);
		for (long seq = 1; seq <= 10; seq++) {
			assertThat(other.add(seq, message())).isTrue();
		}
		assertThat(this.rows.add(1, message())).as("the budget is spent").isFalse();
		assertThat(seqs(other.takeAfter(0, 4))).containsExactly(1L, 2L, 3L, 4L);
		assertThat(this.rows.add(1, message())).isTrue();
		other.clear();
		add(2, 3, 4, 5, 6, 7, 8, 9, 10);
		assertThat(this.rows.add(11, message())).as("one user keeps at most the budget").isFalse();
		assertThat(this.rows.takeAfter(0, 20)).as("what was kept is dropped, not left with a gap").isEmpty();
	}

	@Test
	void oneUserKeepsAtMostItsShare() {
		WrittenRows alone = new WrittenRows(new WrittenRows.Budget(WrittenRows.MAX_PER_USER * 2));
		for (long seq = 1; seq <= WrittenRows.MAX_PER_USER; seq++) {
			assertThat(alone.add(seq, message())).isTrue();
		}
		assertThat(alone.add(WrittenRows.MAX_PER_USER + 1, message())).isFalse();
		assertThat(alone.takeAfter(0, 10)).isEmpty();
	}

	@Test
	void eventsNumberedBeforeAResequencingAreNotKeptUntilTheRowsAreDeleted() {
		add(3, 4);
		this.rows.resequenced(4);
		assertThat(this.rows.takeAfter(2, 10)).as("their seqs changed").isEmpty();
		assertThat(this.rows.add(4, message())).as("a group commit numbered it before the resequencing").isFalse();
		assertThat(this.rows.add(5, message())).isTrue();
		this.rows.reset();
		assertThat(this.rows.takeAfter(4, 10)).isEmpty();
		assertThat(this.rows.add(1, message())).as("the user's seqs start again").isTrue();
		assertThat(seqs(this.rows.takeAfter(0, 10))).containsExactly(1L);
	}

	@Test
	void resequencingAndResetGiveTheBudgetBack() {
		WrittenRows other = new WrittenRows(this.budget);
		add(1, 2, 3, 4, 5);
		for (long seq = 1; seq <= 5; seq++) {
			assertThat(other.add(seq, message())).isTrue();
		}
		this.rows.resequenced(5);
		other.reset();
		WrittenRows third = new WrittenRows(this.budget);
		for (long seq = 1; seq <= 10; seq++) {
			assertThat(third.add(seq, message())).as("the whole budget is back").isTrue();
		}
		assertThat(third.add(11, message())).isFalse();
	}

	private void add(long... seqs) {
		for (long seq : seqs) {
			assertThat(this.rows.add(seq, message())).isTrue();
		}
	}

	private static List<Long> seqs(List<SequencedMessage> messages) {
		return messages.stream().map(SequencedMessage::seq).toList();
	}

	private static OutboundMessage message() {
		return new OutboundMessage("k", "e", "{}", Instant.EPOCH);
	}

}

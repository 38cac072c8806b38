package dev.realtime.client.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import dev.realtime.client.SyncCompletedEvent;
import dev.realtime.protocol.ResumeResponseFrame;
import dev.realtime.test.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SyncProgress}: connected is not caught up while pages remain.
 */
class SyncProgressTests {

	private final MutableClock clock = new MutableClock(Instant.parse("2026-01-02T03:04:05Z"));

	private final SyncProgress progress = new SyncProgress(this.clock);

	private final List<SyncCompletedEvent> completed = new CopyOnWriteArrayList<>();

	@Test
	void completesOnlyWithTheLastPage() {
		this.progress.onCompleted(this.completed::add);
		this.progress.pageReceived("alice", true, page(true, false));
		this.progress.pageReceived("alice", false, page(true, false));
		assertThat(this.progress.isCaughtUp()).isFalse();
		assertThat(this.completed).isEmpty();

		this.progress.pageReceived("alice", false, page(false, false));
		assertThat(this.progress.isCaughtUp()).isTrue();
		assertThat(this.completed)
			.containsExactly(new SyncCompletedEvent("alice", 3, false, Instant.parse("2026-01-02T03:04:05Z")));
		assertThat(this.progress.lastResetAt()).isNull();
	}

	@Test
	void aNewConnectionStartsANewCatchUpAndRemembersResets() {
		this.progress.pageReceived("alice", true, page(true, true));
		// the connection dropped mid-catch-up: the next one starts over
		this.progress.pageReceived("alice", true, page(true, false));
		assertThat(this.progress.isCaughtUp()).isFalse();
		this.progress.pageReceived("alice", false, page(false, false));
		assertThat(this.progress.lastCompleted()).extracting(SyncCompletedEvent::pages, SyncCompletedEvent::reset)
			.containsExactly(2, false);
		assertThat(this.progress.lastResetAt()).isEqualTo(Instant.parse("2026-01-02T03:04:05Z"));

		// a resume after a gap, on the same connection, is a catch-up of its own
		this.progress.pageReceived("alice", false, page(true, false));
		assertThat(this.progress.isCaughtUp()).isFalse();
	}

	@Test
	void aFailingListenerDoesNotStopTheOthers() {
		this.progress.onCompleted((event) -> {
			throw new IllegalStateException("boom");
		});
		this.progress.onCompleted(this.completed::add).close();
		this.progress.onCompleted(this.completed::add);
		this.progress.pageReceived("alice", true, page(false, false));
		assertThat(this.completed).hasSize(1);
	}

	private static ResumeResponseFrame page(boolean hasMore, boolean reset) {
		return new ResumeResponseFrame(0, List.of(), hasMore, reset, 0);
	}

}

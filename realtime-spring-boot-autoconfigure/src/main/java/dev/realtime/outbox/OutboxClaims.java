package dev.realtime.outbox;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.OutboundMessage;
import dev.realtime.client.spi.SequencedBuffer;
import dev.realtime.client.spi.SequencedMessage;

/**
 * Claims a user's events for the relay, in seq order, and numbers those still without a
 * seq. Events a group commit numbered are taken as they were handed over, without a
 * statement; numbered rows are read with one statement and no lock; only when new rows
 * (from callers' transactions or other instances) or best-effort events wait for seqs
 * does a transaction fenced by the user's lease number them, in the order they were
 * handed over, so each sender's events keep its order.
 * <p>
 * When {@link JdbcUserAssignments} manages the user's lease, a claim goes to the database
 * only after rows were written here, the assignments saw new rows written elsewhere, or
 * resends are due. Claims run on the relay's thread only.
 */
final class OutboxClaims {

	private final UserRows rows;

	private final RelayLease lease;

	/** The best-effort events, which take their seqs from the same counter. */
	private final SequencedBuffer memory;

	private final WrittenRows written;

	private final UnnumberedRows unnumbered;

	private final OutboxCounts counts;

	private final Clock clock;

	/**
	 * The highest seq claimed since the claims were last released: resends continue after
	 * it.
	 */
	private long claimedUpTo;

	/**
	 * Whether the last claim took every numbered row there was (it asked for more than it
	 * got) since the claims were released: until rows are written again, a claim finds
	 * nothing.
	 */
	private boolean caughtUp;

	OutboxClaims(UserRows rows, RelayLease lease, SequencedBuffer memory, WrittenRows written,
			UnnumberedRows unnumbered, OutboxCounts counts, Clock clock) {
		this.rows = rows;
		this.lease = lease;
		this.memory = memory;
		this.written = written;
		this.unnumbered = unnumbered;
		this.counts = counts;
		this.clock = clock;
	}

	/**
	 * Return whether a durable event may take its seq as it is written: while this
	 * instance relays, unless an event handed over before it waits for its seq.
	 * @return whether it may
	 */
	boolean numberAtWrite() {
		return this.lease.epoch() >= 0 && !this.memory.hasFresh() && this.unnumbered.noneOfOwnWaiting();
	}

	/**
	 * Claim the events after the last claim.
	 * @param max the most events to claim
	 * @return the claimed events, in seq order
	 */
	List<SequencedMessage> claim(int max) {
		if (max <= 0) {
			return List.of();
		}
		boolean fresh = this.unnumbered.takeMayWait();
		if (!fresh && !this.memory.hasFresh() && this.lease.epoch() >= 0) {
			// nothing to number: the group commits' events are sent as they were
			// handed over
			List<SequencedMessage> handed = this.written.takeAfter(this.claimedUpTo, max);
			if (!handed.isEmpty()) {
				claimed(handed, max);
				return handed;
			}
			// kept events after a gap: the database holds the events before them
			fresh = this.written.startsAfter(this.claimedUpTo);
		}
		if (this.lease.isManaged() && !fresh && this.caughtUp && !this.memory.hasFresh()) {
			// nothing new since the last claim: the assignments' poll tells of rows
			// written elsewhere
			return List.of();
		}
		long now = this.clock.millis();
		List<SequencedMessage> messages;
		try {
			messages = claimRows(max);
		}
		catch (RuntimeException ex) {
			this.unnumbered.mayWait();
			throw ex;
		}
		if (messages.size() == max) {
			this.unnumbered.mayWait();
		}
		claimed(messages, max);
		this.written.discardUpTo(this.claimedUpTo);
		if (this.caughtUp) {
			this.counts.drained(now);
		}
		return messages;
	}

	/**
	 * Forget what was claimed: the next claim starts over from the first unacknowledged
	 * event, as resends do.
	 */
	void release() {
		this.claimedUpTo = 0;
		this.caughtUp = false;
	}

	private void claimed(List<SequencedMessage> messages, int max) {
		this.caughtUp = messages.size() < max;
		if (!messages.isEmpty()) {
			this.claimedUpTo = messages.get(messages.size() - 1).seq();
			this.lease.sent(this.claimedUpTo);
		}
	}

	/**
	 * Claim the numbered rows and in-memory events after the last claim, merged by seq,
	 * with one read and no lock; only when new rows or best-effort events wait for seqs
	 * does a fenced transaction number them.
	 * @param max the most events to claim
	 * @return the claimed events, in seq order
	 */
	private List<SequencedMessage> claimRows(int max) {
		long committedBefore = this.unnumbered.committedSoFar();
		SequencedClaim read = this.lease.claimSequenced(this.claimedUpTo, max);
		if (!read.newWaiting()) {
			// every new row committed before the read is numbered
			this.unnumbered.numberedUpTo(committedBefore);
		}
		List<SequencedMessage> messages = new ArrayList<>(read.rows().size());
		List<OutboxRow> rows = read.rows();
		List<SequencedMessage> entries = this.memory.after(this.claimedUpTo, max);
		int r = 0;
		int m = 0;
		while (messages.size() < max && (r < rows.size() || m < entries.size())) {
			if (m == entries.size() || (r < rows.size() && seqOf(rows.get(r)) < entries.get(m).seq())) {
				OutboxRow row = rows.get(r++);
				messages.add(new SequencedMessage(seqOf(row), this.rows.toMessage(row)));
			}
			else {
				messages.add(entries.get(m++));
			}
		}
		int room = max - messages.size();
		if (room <= 0 || (!read.newWaiting() && !this.memory.hasFresh())) {
			return messages;
		}
		long seen = messages.isEmpty() ? this.claimedUpTo : messages.get(messages.size() - 1).seq();
		Numbering numbering = this.lease.fenced((client) -> numberLocked(seen, room));
		// memory is changed only once the numbering committed, so a failed
		// commit changes nothing
		for (int i = 0; i < numbering.memoryNumbered.size(); i++) {
			numbering.messages.set(numbering.memoryIndexes.get(i), this.memory.number(numbering.memoryNumbered.get(i)));
		}
		if (numbering.more) {
			this.unnumbered.mayWait();
		}
		messages.addAll(numbering.messages);
		return messages;
	}

	/**
	 * Number new rows and best-effort events, in the order they were handed over, under
	 * the locks of the user's stream and seq counter.
	 * @param seen the highest seq claimed so far
	 * @param max the most events to number
	 * @return what was numbered
	 */
	private Numbering numberLocked(long seen, int max) {
		OutboxRepository repository = this.rows.repository();
		String userId = this.rows.userId();
		Numbering numbering = new Numbering();
		long next = repository.lockSeq(userId);
		List<OutboxRow> late = repository.sequenced(userId, seen, max);
		if (!late.isEmpty()) {
			// a group commit numbered rows since the read: those go first, the numbering
			// waits for the next claim
			late.forEach((row) -> numbering.messages.add(new SequencedMessage(seqOf(row), this.rows.toMessage(row))));
			numbering.more = true;
			return numbering;
		}
		// new events take the next seqs in the order they were handed over, durable or
		// not
		List<OutboxRow> fresh = repository.fresh(userId, max);
		List<OutboundMessage> memoryFresh = this.memory.peekFresh(max);
		List<OutboxRow> numbered = new ArrayList<>(fresh.size());
		long first = next;
		long firstDurable = -1;
		int r = 0;
		int m = 0;
		while (numbering.messages.size() < max && (r < fresh.size() || m < memoryFresh.size())) {
			long seq = next++;
			if (m == memoryFresh.size() || (r < fresh.size()
					&& fresh.get(r).createdAtMicros() <= OutboxRepository.micros(memoryFresh.get(m).createdAt()))) {
				OutboxRow row = fresh.get(r++);
				if (!numbered.isEmpty() && seq != firstDurable + numbered.size()) {
					// a memory event broke the run of durable seqs: number what came
					// before
					repository.number(numbered, firstDurable);
					numbered.clear();
				}
				if (numbered.isEmpty()) {
					firstDurable = seq;
				}
				numbered.add(row);
				numbering.messages.add(new SequencedMessage(seq, this.rows.toMessage(row)));
			}
			else {
				m++;
				numbering.memoryIndexes.add(numbering.messages.size());
				numbering.memoryNumbered.add(seq);
				// replaced by the numbered memory entry after the commit
				numbering.messages.add(null);
			}
		}
		if (!numbered.isEmpty()) {
			repository.number(numbered, firstDurable);
		}
		if (next != first) {
			repository.numbered(userId, next);
		}
		return numbering;
	}

	/**
	 * Return the seq of a row the resend query found, which selects sequenced rows only.
	 * @param row a sequenced row
	 * @return its seq
	 */
	private static long seqOf(OutboxRow row) {
		return Objects.requireNonNull(row.seq(), "a sequenced outbox row has a seq");
	}

	/**
	 * What a numbering transaction took. In-memory events are numbered only once it
	 * committed, so a failed commit leaves them (and the seq counter) untouched.
	 */
	private static final class Numbering {

		final List<@Nullable SequencedMessage> messages = new ArrayList<>();

		final List<Integer> memoryIndexes = new ArrayList<>();

		final List<Long> memoryNumbered = new ArrayList<>();

		/** Whether rows were left to number for the next claim. */
		boolean more;

	}

}

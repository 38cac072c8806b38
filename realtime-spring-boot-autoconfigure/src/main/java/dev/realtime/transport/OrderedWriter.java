package dev.realtime.transport;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Writes a connection's messages in the order they were given, on an executor, so that
 * {@code send} never blocks the caller (clients share their event loops: one hub that
 * stops reading must hold up no other client). A message that may be dropped is refused
 * once more than the given number of characters wait; the connection fails only when the
 * queue has not moved for the given time (the hub reads nothing).
 */
public final class OrderedWriter {

	/**
	 * Frame limits of text that may wait to be written before a message that may be
	 * dropped (an at-most-once event) is: small, so that what may not be dropped (acks,
	 * pings, at-least-once events) queued behind waits little longer than the network's
	 * own buffers make it.
	 */
	public static final int QUEUED_FRAME_LIMITS = 1;

	/**
	 * Longest time the queue may not move (no message written) before the connection is
	 * given up: the hub reads nothing.
	 */
	public static final Duration STALL_TIMEOUT = Duration.ofSeconds(10);

	private final Executor executor;

	private final long maxQueuedChars;

	private final long stallNanos;

	private final String stall;

	private final Write write;

	private final Failure onFailure;

	/** Messages not written yet. Guards the fields below. */
	private final ArrayDeque<String> queue = new ArrayDeque<>();

	private long queuedChars;

	/** Since when the message at the head of the queue waits to be written. */
	private long headSince;

	/** Whether a task writes the queue: it writes what is added meanwhile too. */
	private boolean writing;

	private @Nullable IOException failure;

	/** Whether the failure is the hub not reading. */
	private boolean failedStalled;

	/**
	 * Create a writer for one connection that drops what may be dropped once
	 * {@link #QUEUED_FRAME_LIMITS} frame limits of text wait, and fails once the queue
	 * has not moved for {@link #STALL_TIMEOUT}.
	 * @param executor runs the writes
	 * @param maxFrameSize the largest message, in characters
	 * @param write writes one message, blocking until it is handed to the network
	 * @param onFailure told once when a write failed or the queue stalled, to close the
	 * connection
	 */
	public OrderedWriter(Executor executor, int maxFrameSize, Write write, Failure onFailure) {
		this(executor, (long) QUEUED_FRAME_LIMITS * maxFrameSize, STALL_TIMEOUT, write, onFailure);
	}

	/**
	 * Create a writer for one connection.
	 * @param executor runs the writes
	 * @param maxQueuedChars characters that may wait to be written before a message that
	 * may be dropped is
	 * @param stallTimeout how long the queue may wait without a message written before
	 * the connection fails
	 * @param write writes one message, blocking until it is handed to the network
	 * @param onFailure told once when a write failed or the queue stalled, to close the
	 * connection
	 */
	public OrderedWriter(Executor executor, long maxQueuedChars, Duration stallTimeout, Write write,
			Failure onFailure) {
		this.executor = executor;
		this.maxQueuedChars = maxQueuedChars;
		this.stallNanos = stallTimeout.toNanos();
		this.stall = "the hub does not read: nothing written for " + stallTimeout.toSeconds() + " s";
		this.write = write;
		this.onFailure = onFailure;
	}

	/**
	 * Queue a message for writing, however much waits.
	 * @param text the message
	 * @throws IOException if an earlier write failed, the queue has not moved for the
	 * stall timeout, or the executor is shut down
	 */
	public void send(String text) throws IOException {
		enqueue(text, false);
	}

	/**
	 * Queue a message that may be dropped, unless more than the bound waits already.
	 * @param text the message
	 * @return whether it was queued ({@code false}: dropped, the connection is fine)
	 * @throws IOException if an earlier write failed, the queue has not moved for the
	 * stall timeout, or the executor is shut down
	 */
	public boolean offer(String text) throws IOException {
		return enqueue(text, true);
	}

	/**
	 * Say whether the hub stopped reading: this writer failed for it, or a write has
	 * waited about the stall timeout.
	 * @return why, or {@code null} if the hub reads
	 */
	public @Nullable String stall() {
		synchronized (this.queue) {
			if (this.failure != null) {
				return this.failedStalled ? this.failure.getMessage() : null;
			}
			if (!this.queue.isEmpty() && stalledOut(this.headSince)) {
				return this.stall + ", " + this.queuedChars + " characters wait";
			}
			return null;
		}
	}

	/**
	 * Return whether a write has waited about the stall timeout: a transport's own write
	 * timeout of the same time, on another clock, may fire a little early.
	 * @param started the {@link System#nanoTime()} the write started waiting at
	 * @return whether it waited that long
	 */
	private boolean stalledOut(long started) {
		return System.nanoTime() - started >= this.stallNanos / 10 * 9;
	}

	private boolean enqueue(String text, boolean droppable) throws IOException {
		IOException stalled;
		synchronized (this.queue) {
			if (this.failure != null) {
				throw new IOException(this.failure.getMessage(), this.failure);
			}
			long now = System.nanoTime();
			boolean empty = this.queue.isEmpty();
			stalled = (!empty && now - this.headSince > this.stallNanos)
					? new IOException(this.stall + ", " + this.queuedChars + " characters wait") : null;
			if (stalled == null) {
				if (droppable && !empty && this.queuedChars + text.length() > this.maxQueuedChars) {
					return false;
				}
				if (empty) {
					this.headSince = now;
				}
				this.queue.add(text);
				this.queuedChars += text.length();
				if (this.writing) {
					return true;
				}
				this.writing = true;
			}
		}
		if (stalled != null) {
			fail(stalled, true);
			throw stalled;
		}
		try {
			this.executor.execute(this::writeQueued);
			return true;
		}
		catch (RejectedExecutionException ex) {
			IOException closed = new IOException("the transport is closed", ex);
			failed(closed, false);
			throw closed;
		}
	}

	private void writeQueued() {
		while (true) {
			String next;
			long started;
			synchronized (this.queue) {
				next = this.queue.peek();
				if (next == null || this.failure != null) {
					this.writing = false;
					return;
				}
				started = this.headSince;
			}
			try {
				this.write.write(next);
			}
			catch (IOException | RuntimeException ex) {
				// the transport's own write timeout may notice the hub not reading first
				boolean stalledOut = stalledOut(started);
				fail(new IOException(stalledOut ? this.stall : "write failed: " + ex.getMessage(), ex), stalledOut);
				return;
			}
			synchronized (this.queue) {
				if (this.failure != null) {
					this.writing = false;
					return;
				}
				this.queue.poll();
				this.queuedChars -= next.length();
				this.headSince = System.nanoTime();
			}
		}
	}

	private void fail(IOException failure, boolean stalled) {
		if (failed(failure, stalled)) {
			this.onFailure.failed(failure);
		}
	}

	private boolean failed(IOException failure, boolean stalled) {
		synchronized (this.queue) {
			if (this.failure != null) {
				return false;
			}
			this.failure = failure;
			this.failedStalled = stalled;
			this.queue.clear();
			this.queuedChars = 0;
			return true;
		}
	}

	/**
	 * Writes one message.
	 */
	@FunctionalInterface
	public interface Write {

		/**
		 * Write a message, blocking until it is handed to the network.
		 * @param text the message
		 * @throws IOException if the connection is broken
		 */
		void write(String text) throws IOException;

	}

	/**
	 * Told when a write failed.
	 */
	@FunctionalInterface
	public interface Failure {

		/**
		 * A write failed or the queue stalled: the rest of the queue is dropped and later
		 * sends fail.
		 * @param failure what failed
		 */
		void failed(IOException failure);

	}

}

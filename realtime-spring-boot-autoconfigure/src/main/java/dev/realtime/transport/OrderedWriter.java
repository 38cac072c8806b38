package dev.realtime.transport;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

/**
 * Writes a connection's messages in the order they were given, on an executor, so that
 * {@code send} never blocks the caller (clients share their event loops: one hub that
 * stops reading must hold up no other client). A connection whose hub does not read fails
 * its next send once more than the given number of characters wait.
 */
public final class OrderedWriter {

	private final Executor executor;

	private final long maxQueuedChars;

	private final Write write;

	private final Failure onFailure;

	/** Messages not written yet. Guards the fields below. */
	private final ArrayDeque<String> queue = new ArrayDeque<>();

	private long queuedChars;

	/** Whether a task writes the queue: it writes what is added meanwhile too. */
	private boolean writing;

	private @Nullable IOException failure;

	/**
	 * Create a writer for one connection.
	 * @param executor runs the writes
	 * @param maxQueuedChars characters that may wait to be written
	 * @param write writes one message, blocking until it is handed to the network
	 * @param onFailure told once when a write failed, to close the connection
	 */
	public OrderedWriter(Executor executor, long maxQueuedChars, Write write, Failure onFailure) {
		this.executor = executor;
		this.maxQueuedChars = maxQueuedChars;
		this.write = write;
		this.onFailure = onFailure;
	}

	/**
	 * Queue a message for writing.
	 * @param text the message
	 * @throws IOException if an earlier write failed, too much waits already, or the
	 * executor is shut down
	 */
	public void send(String text) throws IOException {
		synchronized (this.queue) {
			if (this.failure != null) {
				throw new IOException(this.failure.getMessage(), this.failure);
			}
			if (!this.queue.isEmpty() && this.queuedChars + text.length() > this.maxQueuedChars) {
				throw new IOException("the hub does not read: " + this.queuedChars + " characters wait to be written");
			}
			this.queue.add(text);
			this.queuedChars += text.length();
			if (this.writing) {
				return;
			}
			this.writing = true;
		}
		try {
			this.executor.execute(this::writeQueued);
		}
		catch (RejectedExecutionException ex) {
			IOException closed = new IOException("the transport is closed", ex);
			failed(closed);
			throw closed;
		}
	}

	private void writeQueued() {
		while (true) {
			String next;
			synchronized (this.queue) {
				next = this.queue.peek();
				if (next == null) {
					this.writing = false;
					return;
				}
			}
			try {
				this.write.write(next);
			}
			catch (IOException | RuntimeException ex) {
				IOException failed = new IOException("write failed: " + ex.getMessage(), ex);
				failed(failed);
				this.onFailure.failed(failed);
				return;
			}
			synchronized (this.queue) {
				this.queue.poll();
				this.queuedChars -= next.length();
			}
		}
	}

	private void failed(IOException failure) {
		synchronized (this.queue) {
			this.failure = failure;
			this.queue.clear();
			this.queuedChars = 0;
			this.writing = false;
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
		 * A write failed: the rest of the queue is dropped and later sends fail.
		 * @param failure what failed
		 */
		void failed(IOException failure);

	}

}

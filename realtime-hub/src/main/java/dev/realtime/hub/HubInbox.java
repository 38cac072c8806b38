package dev.realtime.hub;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;

/**
 * What one connection sent, between the thread reading it and the processing. The reading
 * thread admits each message as it arrives (the rate limits count arrivals, so a client
 * that sends far faster than the hub processes is seen as such) and queues it; the hub's
 * processing pool works through the queue one message at a time, in arrival order, one
 * message per turn so that every busy connection gets its turn. The queue holds at most a
 * frame's worth of text: beyond it the reading thread waits, and TCP slows the client
 * down.
 */
final class HubInbox {

	private final @Nullable HubRateLimiter messageLimiter;

	private final @Nullable HubRateLimiter eventLimiter;

	private final Queue<Pending> queue = new ConcurrentLinkedQueue<>();

	private final Semaphore space;

	private final int capacity;

	private final AtomicBoolean scheduled = new AtomicBoolean();

	private final Executor processing;

	/**
	 * Create an empty inbox.
	 * @param messageLimiter limits the messages, {@code null} when unlimited; used by the
	 * reading thread only
	 * @param eventLimiter limits the events, {@code null} when unlimited; same thread
	 * @param capacity the most characters of text queued at once
	 * @param processing the pool that processes the queued messages
	 */
	HubInbox(@Nullable HubRateLimiter messageLimiter, @Nullable HubRateLimiter eventLimiter, int capacity,
			Executor processing) {
		this.messageLimiter = messageLimiter;
		this.eventLimiter = eventLimiter;
		this.capacity = capacity;
		this.space = new Semaphore(capacity);
		this.processing = processing;
	}

	/**
	 * Count a message that arrived against the message rate limit.
	 * @return whether it is within the limit
	 */
	boolean admitMessage() {
		return this.messageLimiter == null || this.messageLimiter.tryAcquire();
	}

	/**
	 * Count the events of a message that arrived against the event rate limit.
	 * @param events how many events the message carries
	 * @return whether they are within the limit
	 */
	boolean admitEvents(int events) {
		return this.eventLimiter == null || this.eventLimiter.tryAcquire(events);
	}

	/**
	 * Queue a message's processing, waiting while the inbox is full.
	 * @param size the message's length in characters (a larger message than the inbox
	 * holds waits until it is empty)
	 * @param work processes the message
	 * @throws InterruptedException if the reading thread is interrupted while waiting
	 * @throws RejectedExecutionException if the hub is shutting down
	 */
	void submit(int size, Runnable work) throws InterruptedException {
		int permits = Math.min(size, this.capacity);
		this.space.acquire(permits);
		this.queue.add(new Pending(work, permits));
		if (!schedule()) {
			throw new RejectedExecutionException("The hub's processing pool is stopped");
		}
	}

	/**
	 * Hand the inbox to the processing pool unless it is there already.
	 * @return whether the inbox is scheduled (false: the pool stopped, the hub is
	 * shutting down)
	 */
	private boolean schedule() {
		if (!this.scheduled.compareAndSet(false, true)) {
			return true;
		}
		try {
			this.processing.execute(this::processOne);
			return true;
		}
		catch (RejectedExecutionException ex) {
			this.scheduled.set(false);
			return false;
		}
	}

	private void processOne() {
		Pending next = this.queue.poll();
		try {
			if (next != null) {
				next.work().run();
			}
		}
		finally {
			if (next != null) {
				this.space.release(next.permits());
			}
			this.scheduled.set(false);
			if (!this.queue.isEmpty()) {
				schedule();
			}
		}
	}

	private record Pending(Runnable work, int permits) {
	}

}

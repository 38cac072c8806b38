package dev.realtime.client.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * A serial executor on a shared pool: its tasks run one at a time, in the order they were
 * submitted, each seeing what the one before it did, on whichever pool thread is free. It
 * occupies a thread only while it has work, so any number of strands share a few threads.
 * Its timers fire on the runtime's one timer thread and run their action on the strand. A
 * shut-down strand rejects new tasks, runs those already queued, and drops what its
 * timers post from then on.
 */
final class Strand implements Executor {

	private static final Log logger = LogFactory.getLog(Strand.class);

	/** Tasks run per turn on a pool thread, so that other strands get theirs. */
	private static final int TURN = 64;

	private final String name;

	private final Executor pool;

	private final ScheduledExecutorService timer;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** Whether a turn is queued on the pool or running. */
	private final AtomicBoolean scheduled = new AtomicBoolean();

	/** The thread running a turn, for telling whether the caller is on the strand. */
	private volatile @Nullable Thread runner;

	private volatile boolean shutdown;

	Strand(String name, Executor pool, ScheduledExecutorService timer) {
		this.name = name;
		this.pool = pool;
		this.timer = timer;
	}

	/**
	 * Run a task on the strand, after those submitted before it.
	 * @param task the task
	 * @throws RejectedExecutionException if the strand or its runtime was shut down
	 */
	@Override
	public void execute(Runnable task) {
		if (this.shutdown) {
			throw new RejectedExecutionException("'" + this.name + "' is shut down");
		}
		this.tasks.add(task);
		schedule();
	}

	/**
	 * Run a task on the strand unless it was shut down.
	 * @param task the task
	 * @return whether the task was queued
	 */
	boolean post(Runnable task) {
		try {
			execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			logger.debug("'" + this.name + "' is closed; ignoring a late task");
			return false;
		}
	}

	/**
	 * Run a task on the strand.
	 * @param task the task
	 * @return a future done once the task ran
	 * @throws RejectedExecutionException if the strand was shut down
	 */
	Future<?> submit(Runnable task) {
		FutureTask<?> future = new FutureTask<>(task, null);
		execute(future);
		return future;
	}

	/**
	 * Return whether the caller runs on this strand.
	 * @return whether the current thread runs one of the strand's tasks
	 */
	boolean inStrand() {
		return this.runner == Thread.currentThread();
	}

	private void schedule() {
		if (this.scheduled.compareAndSet(false, true)) {
			try {
				this.pool.execute(this::turn);
			}
			catch (RejectedExecutionException ex) {
				this.scheduled.set(false);
				throw ex;
			}
		}
	}

	private void turn() {
		this.runner = Thread.currentThread();
		try {
			for (int i = 0; i < TURN; i++) {
				Runnable task = this.tasks.poll();
				if (task == null) {
					break;
				}
				try {
					task.run();
				}
				catch (RuntimeException ex) {
					logger.error("Task of '" + this.name + "' failed", ex);
				}
			}
		}
		finally {
			this.runner = null;
			this.scheduled.set(false);
			// also after an Error escaped a task: what is queued must not wait for the
			// next submission
			if (!this.tasks.isEmpty()) {
				try {
					schedule();
				}
				catch (RejectedExecutionException ex) {
					logger.debug("The runtime of '" + this.name + "' is closed; dropping its remaining tasks");
				}
			}
		}
	}

	/**
	 * Run an action on the strand after a delay.
	 * @param action the action
	 * @param delayMillis the delay in milliseconds
	 * @return the timer, for cancelling it
	 */
	Timer schedule(Runnable action, long delayMillis) {
		Timer timer = new Timer();
		timer.future = this.timer.schedule(() -> post(timer.guard(action)), delayMillis, TimeUnit.MILLISECONDS);
		return timer;
	}

	/**
	 * Run an action on the strand repeatedly, each time a delay after the last run ended,
	 * so that a slow run (a database that hangs) never piles up runs behind it.
	 * @param action the action
	 * @param initialMillis the delay before the first run, in milliseconds
	 * @param delayMillis the delay between the end of a run and the next, in milliseconds
	 * @return the timer, for cancelling it
	 */
	Timer scheduleWithFixedDelay(Runnable action, long initialMillis, long delayMillis) {
		Timer timer = new Timer();
		Runnable[] fire = new Runnable[1];
		Runnable run = timer.guard(() -> {
			action.run();
			if (!timer.cancelled && !this.shutdown) {
				timer.future = this.timer.schedule(fire[0], delayMillis, TimeUnit.MILLISECONDS);
			}
		});
		fire[0] = () -> post(run);
		timer.future = this.timer.schedule(fire[0], initialMillis, TimeUnit.MILLISECONDS);
		return timer;
	}

	/**
	 * Run an action on the strand at a fixed rate, first after one period. A tick whose
	 * previous run has not started yet is skipped.
	 * @param action the action
	 * @param periodMillis the period in milliseconds
	 * @return the timer, for cancelling it
	 */
	Timer scheduleAtFixedRate(Runnable action, long periodMillis) {
		Timer timer = new Timer();
		AtomicBoolean queued = new AtomicBoolean();
		Runnable run = timer.guard(action);
		timer.future = this.timer.scheduleAtFixedRate(() -> {
			if (this.shutdown) {
				timer.cancel();
			}
			else if (queued.compareAndSet(false, true) && !post(() -> {
				queued.set(false);
				run.run();
			})) {
				queued.set(false);
			}
		}, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
		return timer;
	}

	/**
	 * Cancel a timer, if there is one.
	 * @param timer the timer, or {@code null}
	 */
	static void cancel(@Nullable Timer timer) {
		if (timer != null) {
			timer.cancel();
		}
	}

	/**
	 * Reject new tasks; those queued still run.
	 */
	void shutdown() {
		this.shutdown = true;
	}

	boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public String toString() {
		return "Strand[" + this.name + "]";
	}

	/**
	 * A delayed or repeated action of a strand. Cancelled on the strand, it is certain
	 * not to run afterwards, even when its timer already fired and posted it.
	 */
	static final class Timer {

		private volatile boolean cancelled;

		private volatile @Nullable ScheduledFuture<?> future;

		/**
		 * Stop the action: it does not run from now on.
		 */
		void cancel() {
			this.cancelled = true;
			ScheduledFuture<?> current = this.future;
			if (current != null) {
				current.cancel(false);
			}
		}

		private Runnable guard(Runnable action) {
			return () -> {
				if (!this.cancelled) {
					action.run();
				}
			};
		}

	}

}

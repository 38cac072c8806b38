package dev.realtime.hub;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;

/**
 * A hub task that runs at a fixed delay on a daemon thread of its own, from the start of
 * the application context to its stop, so that the hub needs no scheduler bean.
 */
abstract class HubPeriodicTask implements SmartLifecycle {

	private final String threadName;

	private final long intervalMillis;

	private @Nullable ScheduledExecutorService executor;

	HubPeriodicTask(String threadName, long intervalMillis) {
		this.threadName = threadName;
		this.intervalMillis = intervalMillis;
	}

	long intervalMillis() {
		return this.intervalMillis;
	}

	/**
	 * Run the task once; a failure is the task's to report.
	 */
	abstract void runOnce();

	@Override
	public synchronized void start() {
		if (this.executor != null) {
			return;
		}
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread thread = new Thread(task, this.threadName);
			thread.setDaemon(true);
			return thread;
		});
		this.executor.scheduleWithFixedDelay(this::runOnce, this.intervalMillis, this.intervalMillis,
				TimeUnit.MILLISECONDS);
	}

	@Override
	public synchronized void stop() {
		if (this.executor != null) {
			this.executor.shutdownNow();
			this.executor = null;
		}
	}

	@Override
	public synchronized boolean isRunning() {
		return this.executor != null;
	}

}

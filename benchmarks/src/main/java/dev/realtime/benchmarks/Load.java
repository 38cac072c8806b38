package dev.realtime.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.jspecify.annotations.Nullable;

/**
 * Threads that repeat a step until closed. The first failure stops all of them and is
 * rethrown on close, so a broken scenario never reports a figure.
 */
final class Load implements AutoCloseable {

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicReference<@Nullable Throwable> failure = new AtomicReference<>();

	private volatile boolean running = true;

	Load(String name, int threads, Step step) {
		for (int i = 0; i < threads; i++) {
			int index = i;
			Thread thread = new Thread(() -> {
				try {
					while (this.running) {
						step.run(index);
					}
				}
				catch (Throwable ex) {
					this.failure.compareAndSet(null, ex);
					this.running = false;
				}
			}, name + "-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
		}
		this.threads.forEach(Thread::start);
	}

	boolean running() {
		return this.running;
	}

	@Override
	public void close() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join(60_000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		Throwable cause = this.failure.get();
		if (cause != null) {
			throw new IllegalStateException("Load failed: " + cause, cause);
		}
	}

	/**
	 * One step of the load, repeated while the load runs.
	 */
	@FunctionalInterface
	interface Step {

		void run(int thread) throws Exception;

	}

}

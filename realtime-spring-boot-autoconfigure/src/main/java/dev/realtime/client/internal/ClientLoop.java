package dev.realtime.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The one thread a client's connection state lives on: transport callbacks, timers and
 * API calls are posted to it, so that state needs no locks. What is posted after the
 * client closed is ignored: transport callbacks and commits may still arrive then.
 */
final class ClientLoop {

	private static final Log logger = LogFactory.getLog(ClientLoop.class);

	private final String name;

	private final ScheduledExecutorService executor;

	private volatile @Nullable Thread thread;

	ClientLoop(String name) {
		this.name = name;
		this.executor = Executors.newSingleThreadScheduledExecutor((task) -> {
			Thread created = new Thread(task, name);
			created.setDaemon(true);
			this.thread = created;
			return created;
		});
	}

	/**
	 * Run an action on the loop thread soon.
	 * @param action the action to run
	 * @throws RejectedExecutionException if the loop was shut down
	 */
	void execute(Runnable action) {
		this.executor.execute(action);
	}

	/**
	 * Run an action on the loop thread soon, unless the loop was shut down.
	 * @param action the action to run
	 */
	void post(Runnable action) {
		try {
			this.executor.execute(action);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("'" + this.name + "' is closed; ignoring a late callback");
		}
	}

	/**
	 * Run an action on the loop thread and wait for it; at once if called on that thread.
	 * @param action the action to run
	 * @throws IllegalStateException if it does not complete within 30 seconds
	 */
	void run(Runnable action) {
		if (Thread.currentThread() == this.thread) {
			action.run();
			return;
		}
		try {
			this.executor.submit(action).get(30, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for the realtime client", ex);
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException runtime) ? runtime : new IllegalStateException(ex);
		}
		catch (TimeoutException ex) {
			throw new IllegalStateException("Realtime client did not respond within 30s", ex);
		}
	}

	/**
	 * Compute a value on the loop thread.
	 * @param <T> the type of the value
	 * @param supplier computes the value
	 * @return a future completed with the value
	 */
	<T> CompletableFuture<T> supply(Supplier<T> supplier) {
		return CompletableFuture.supplyAsync(supplier, this.executor);
	}

	/**
	 * Run an action on the loop thread after a delay. Called on the loop thread.
	 * @param action the action to run
	 * @param delayMillis the delay in milliseconds
	 * @return the scheduled action, for cancelling it
	 */
	ScheduledFuture<?> schedule(Runnable action, long delayMillis) {
		return this.executor.schedule(action, delayMillis, TimeUnit.MILLISECONDS);
	}

	/**
	 * Run an action on the loop thread at a fixed rate, first after one period. Called on
	 * the loop thread.
	 * @param action the action to run
	 * @param periodMillis the period in milliseconds
	 * @return the scheduled action, for cancelling it
	 */
	ScheduledFuture<?> scheduleAtFixedRate(Runnable action, long periodMillis) {
		return this.executor.scheduleAtFixedRate(action, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
	}

	boolean isShutdown() {
		return this.executor.isShutdown();
	}

	void shutdown() {
		this.executor.shutdown();
	}

}

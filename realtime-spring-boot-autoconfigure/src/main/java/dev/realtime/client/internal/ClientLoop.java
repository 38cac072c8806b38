package dev.realtime.client.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * The strand a client's connection state lives on: transport callbacks, timers and API
 * calls are posted to it and run one at a time, in order, so that state needs no locks.
 * What is posted after the client closed is ignored: transport callbacks and commits may
 * still arrive then.
 */
final class ClientLoop {

	private final Strand strand;

	ClientLoop(Strand strand) {
		this.strand = strand;
	}

	/**
	 * Run an action on the loop soon.
	 * @param action the action to run
	 * @throws RejectedExecutionException if the loop was shut down
	 */
	void execute(Runnable action) {
		this.strand.execute(action);
	}

	/**
	 * Run an action on the loop soon, unless the loop was shut down.
	 * @param action the action to run
	 */
	void post(Runnable action) {
		this.strand.post(action);
	}

	/**
	 * Run an action on the loop and wait for it; at once if called on the loop.
	 * @param action the action to run
	 * @throws IllegalStateException if it does not complete within 30 seconds
	 */
	void run(Runnable action) {
		if (this.strand.inStrand()) {
			action.run();
			return;
		}
		Future<?> done = this.strand.submit(action);
		try {
			done.get(30, TimeUnit.SECONDS);
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
	 * Compute a value on the loop.
	 * @param <T> the type of the value
	 * @param supplier computes the value
	 * @return a future completed with the value
	 */
	<T> CompletableFuture<T> supply(Supplier<T> supplier) {
		return CompletableFuture.supplyAsync(supplier, this.strand);
	}

	/**
	 * Run an action on the loop after a delay. Called on the loop; cancelled there, it
	 * does not run.
	 * @param action the action to run
	 * @param delayMillis the delay in milliseconds
	 * @return the timer, for cancelling it
	 */
	Strand.Timer schedule(Runnable action, long delayMillis) {
		return this.strand.schedule(action, delayMillis);
	}

	/**
	 * Run an action on the loop at a fixed rate, first after one period. Called on the
	 * loop; cancelled there, it does not run again.
	 * @param action the action to run
	 * @param periodMillis the period in milliseconds
	 * @return the timer, for cancelling it
	 */
	Strand.Timer scheduleAtFixedRate(Runnable action, long periodMillis) {
		return this.strand.scheduleAtFixedRate(action, periodMillis);
	}

	boolean isShutdown() {
		return this.strand.isShutdown();
	}

	void shutdown() {
		this.strand.shutdown();
	}

}

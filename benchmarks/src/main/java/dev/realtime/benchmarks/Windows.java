package dev.realtime.benchmarks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * The measuring discipline: warm-up, then a number of equal windows; a figure is the
 * median of its windows, reported with their min and max.
 */
final class Windows {

	private final Options options;

	Windows(Options options) {
		this.options = options;
	}

	Options options() {
		return this.options;
	}

	/**
	 * Measure a rate while load runs in other threads.
	 * @param completed a counter of completed operations
	 * @return operations per second
	 */
	Figure throughput(LongSupplier completed) {
		sleep(this.options.warmUp());
		double[] rates = new double[this.options.windows()];
		for (int i = 0; i < rates.length; i++) {
			long count = completed.getAsLong();
			long start = System.nanoTime();
			sleep(this.options.window());
			rates[i] = (completed.getAsLong() - count) * 1e9 / (System.nanoTime() - start);
		}
		return Figure.of(rates, "/s");
	}

	/**
	 * Measure latency percentiles while load records into the given samples.
	 * @param latencies the samples
	 * @return p50 and p99 in milliseconds
	 */
	Figure[] latencies(Latencies latencies) {
		sleep(this.options.warmUp());
		latencies.drainPercentilesMillis(50);
		double[] p50 = new double[this.options.windows()];
		double[] p99 = new double[this.options.windows()];
		for (int i = 0; i < p50.length; i++) {
			sleep(this.options.window());
			double[] window = latencies.drainPercentilesMillis(50, 99);
			p50[i] = window[0];
			p99[i] = window[1];
		}
		return new Figure[] { Figure.of(p50, "ms"), Figure.of(p99, "ms") };
	}

	/**
	 * Repeat an operation that is long by itself (a reconnect, a catch-up): runs during
	 * the warm-up are discarded, then each window holds whole runs.
	 * @param run one run, returning its value (a duration, a rate)
	 * @param perRun whether each window is a single run (else runs repeat for the
	 * window's length and the window's value is their median)
	 * @return the window values
	 */
	double[] repeated(DoubleSupplier run, boolean perRun) {
		long warmUpEnd = System.nanoTime() + this.options.warmUp().toNanos();
		do {
			run.getAsDouble();
		}
		while (System.nanoTime() < warmUpEnd);
		double[] values = new double[this.options.windows()];
		for (int i = 0; i < values.length; i++) {
			if (perRun) {
				values[i] = run.getAsDouble();
				continue;
			}
			List<Double> window = new ArrayList<>();
			long end = System.nanoTime() + this.options.window().toNanos();
			do {
				window.add(run.getAsDouble());
			}
			while (System.nanoTime() < end);
			values[i] = Figure.of(window.stream().mapToDouble(Double::doubleValue).toArray(), "").median();
		}
		return values;
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/**
	 * Wait for a condition, polling.
	 * @param condition the condition
	 * @param timeout how long to wait
	 * @return whether it became true in time
	 */
	static boolean await(BooleanSupplier condition, Duration timeout) {
		long end = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > end) {
				return false;
			}
			sleep(Duration.ofMillis(5));
		}
		return true;
	}

}

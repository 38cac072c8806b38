package dev.realtime.benchmarks;

import java.util.Arrays;

/**
 * Latency samples of one window, recorded from any thread.
 */
final class Latencies {

	private long[] samples = new long[1024];

	private int count;

	synchronized void record(long nanos) {
		if (this.count == this.samples.length) {
			this.samples = Arrays.copyOf(this.samples, this.count * 2);
		}
		this.samples[this.count++] = nanos;
	}

	/**
	 * Return the percentiles of the samples since the last call, in milliseconds, and
	 * start a new window.
	 * @param percentiles the percentiles, for example 50 and 99
	 * @return one value per percentile (NaN when no sample arrived)
	 */
	synchronized double[] drainPercentilesMillis(double... percentiles) {
		long[] sorted = Arrays.copyOf(this.samples, this.count);
		this.count = 0;
		Arrays.sort(sorted);
		double[] values = new double[percentiles.length];
		for (int i = 0; i < percentiles.length; i++) {
			if (sorted.length == 0) {
				values[i] = Double.NaN;
				continue;
			}
			int index = (int) Math.ceil(percentiles[i] / 100 * sorted.length) - 1;
			values[i] = sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
		}
		return values;
	}

}

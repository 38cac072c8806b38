package dev.realtime.benchmarks;

/**
 * Time a caller's transaction with and without an event written in it. The two kinds
 * alternate one by one and the figure compares their medians, so drift and the stalls of
 * a shared machine affect both alike.
 */
final class Overhead {

	private Overhead() {
	}

	/**
	 * Measure the time one event adds to a caller's transaction.
	 * @param windows the measuring discipline
	 * @param transaction runs one transaction, with the event or without
	 * @return microseconds added per transaction (median with minus median without)
	 */
	static Figure measure(Windows windows, Transaction transaction) {
		long warmUpEnd = System.nanoTime() + windows.options().warmUp().toNanos();
		while (System.nanoTime() < warmUpEnd) {
			run(transaction, false);
			run(transaction, true);
		}
		double[] added = new double[windows.options().windows()];
		for (int i = 0; i < added.length; i++) {
			Latencies without = new Latencies();
			Latencies with = new Latencies();
			long end = System.nanoTime() + windows.options().window().toNanos();
			while (System.nanoTime() < end) {
				without.record(run(transaction, false));
				with.record(run(transaction, true));
			}
			added[i] = (with.drainPercentilesMillis(50)[0] - without.drainPercentilesMillis(50)[0]) * 1000;
		}
		return Figure.of(added, "µs");
	}

	private static long run(Transaction transaction, boolean withEvent) {
		long start = System.nanoTime();
		try {
			transaction.run(withEvent);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Transaction failed", ex);
		}
		return System.nanoTime() - start;
	}

	/**
	 * One caller transaction.
	 */
	@FunctionalInterface
	interface Transaction {

		void run(boolean withEvent) throws Exception;

	}

}

package dev.realtime.benchmarks;

/**
 * Time a caller's transaction with and without an event written in it, alternating halves of
 * each window so drift affects both alike.
 */
final class Overhead {

	private Overhead() {
	}

	/**
	 * Measure the time one event adds to a caller's transaction.
	 * @param windows the measuring discipline
	 * @param transaction runs one transaction, with the event or without
	 * @return microseconds added per transaction
	 */
	static Figure measure(Windows windows, Transaction transaction) {
		long warmUpEnd = System.nanoTime() + windows.options().warmUp().toNanos();
		boolean with = false;
		while (System.nanoTime() < warmUpEnd) {
			run(transaction, with = !with);
		}
		long half = windows.options().window().toNanos() / 2;
		double[] added = new double[windows.options().windows()];
		for (int i = 0; i < added.length; i++) {
			double without = perTransactionMicros(transaction, false, half);
			double withEvent = perTransactionMicros(transaction, true, half);
			added[i] = withEvent - without;
		}
		return Figure.of(added, "µs");
	}

	private static double perTransactionMicros(Transaction transaction, boolean withEvent, long nanos) {
		long start = System.nanoTime();
		long end = start + nanos;
		long count = 0;
		do {
			run(transaction, withEvent);
			count++;
		}
		while (System.nanoTime() < end);
		return (System.nanoTime() - start) / 1e3 / count;
	}

	private static void run(Transaction transaction, boolean withEvent) {
		try {
			transaction.run(withEvent);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Transaction failed", ex);
		}
	}

	/**
	 * One caller transaction.
	 */
	@FunctionalInterface
	interface Transaction {

		void run(boolean withEvent) throws Exception;

	}

}

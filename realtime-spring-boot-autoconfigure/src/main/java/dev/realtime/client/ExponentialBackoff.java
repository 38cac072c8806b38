package dev.realtime.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Reconnect delays that double from an initial delay up to a cap, spread by jitter so
 * that many clients cut off at once do not come back at once.
 *
 * @param initialDelay the delay before the first attempt
 * @param maxDelay the cap: no delay exceeds it, jitter included
 * @param jitter the spread, between 0 (none) and 1: a delay d becomes a random value in
 * {@code [d * (1 - jitter), d * (1 + jitter)]}, capped at {@code maxDelay}
 */
public record ExponentialBackoff(Duration initialDelay, Duration maxDelay, double jitter) {

	public ExponentialBackoff {
		if (initialDelay.isNegative()) {
			throw new IllegalArgumentException("Initial reconnect delay must not be negative, was " + initialDelay);
		}
		if (maxDelay.compareTo(initialDelay) < 0) {
			throw new IllegalArgumentException(
					"Maximum reconnect delay " + maxDelay + " must not be less than the initial delay " + initialDelay);
		}
		if (!(jitter >= 0 && jitter <= 1)) {
			throw new IllegalArgumentException("Reconnect jitter must be between 0 and 1, was " + jitter);
		}
	}

	/**
	 * Return the delay before the given attempt.
	 * @param attempt the attempt number, 1 for the first reconnect attempt
	 * @param random a source of uniform values in {@code [0, 1)}
	 * @return the delay
	 */
	public Duration delay(int attempt, DoubleSupplier random) {
		if (attempt < 1) {
			throw new IllegalArgumentException("Attempt must be 1 or more, was " + attempt);
		}
		double cap = this.maxDelay.toNanos();
		double base = Math.min(cap, this.initialDelay.toNanos() * Math.pow(2, Math.min(attempt - 1, 62)));
		double spread = 1 + this.jitter * (2 * random.getAsDouble() - 1);
		return Duration.ofNanos((long) Math.min(cap, base * spread));
	}

}

package dev.realtime.hub;

import java.util.function.LongSupplier;

/**
 * A token bucket over what one connection sends (its text messages, or its events): it
 * refills at a steady rate up to a burst. A message that finds the bucket empty is over
 * the limit; one that finds tokens left takes all it needs, going into debt if it needs
 * more, so that a batch larger than the burst still passes after a quiet time and the
 * debt holds the average to the rate. Only the container's thread reading the connection
 * uses it, so it needs no lock.
 */
final class HubRateLimiter {

	private final double perNano;

	private final double burst;

	private final LongSupplier nanoTime;

	private double tokens;

	private long refilledAt;

	/**
	 * Create a full bucket.
	 * @param perSecond units allowed per second, on average
	 * @param burst units allowed at once after a quiet time
	 * @param nanoTime the time source, {@link System#nanoTime()} outside tests
	 */
	HubRateLimiter(int perSecond, int burst, LongSupplier nanoTime) {
		if (perSecond <= 0 || burst <= 0) {
			throw new IllegalArgumentException("Rate and burst must be positive, not " + perSecond + " and " + burst);
		}
		this.perNano = perSecond / 1e9;
		this.burst = burst;
		this.nanoTime = nanoTime;
		this.tokens = burst;
		this.refilledAt = nanoTime.getAsLong();
	}

	/**
	 * Take one unit from the bucket.
	 * @return whether it is within the limit
	 */
	boolean tryAcquire() {
		return tryAcquire(1);
	}

	/**
	 * Take units from the bucket.
	 * @param units how many the message counts for, 0 or more
	 * @return whether they are within the limit (nothing is taken when they are not)
	 */
	boolean tryAcquire(int units) {
		long now = this.nanoTime.getAsLong();
		this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perNano);
		this.refilledAt = now;
		if (units == 0) {
			return true;
		}
		if (this.tokens < 1) {
			return false;
		}
		this.tokens -= units;
		return true;
	}

}

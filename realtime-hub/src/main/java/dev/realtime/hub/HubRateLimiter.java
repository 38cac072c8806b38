package dev.realtime.hub;

import java.util.function.LongSupplier;

/**
 * A token bucket over the text messages of one connection: it refills at a steady rate up
 * to a burst, and a message that finds it empty is over the limit. Only the container's
 * thread reading the connection uses it, so it needs no lock.
 */
final class HubRateLimiter {

	private final double perNano;

	private final double burst;

	private final LongSupplier nanoTime;

	private double tokens;

	private long refilledAt;

	/**
	 * Create a full bucket.
	 * @param perSecond messages allowed per second, on average
	 * @param burst messages allowed at once after a quiet time
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
	 * Take one message from the bucket.
	 * @return whether the message is within the limit
	 */
	boolean tryAcquire() {
		long now = this.nanoTime.getAsLong();
		this.tokens = Math.min(this.burst, this.tokens + (now - this.refilledAt) * this.perNano);
		this.refilledAt = now;
		if (this.tokens < 1) {
			return false;
		}
		this.tokens--;
		return true;
	}

}

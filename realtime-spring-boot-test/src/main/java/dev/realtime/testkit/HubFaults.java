package dev.realtime.testkit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * The faults a test asked for, shared by the embedded hub's handshake gate, token
 * verifier and frame tap; they outlive a restart of the hub and are cleared by
 * {@link #clear()}.
 */
final class HubFaults {

	final AtomicInteger refusedHandshakes = new AtomicInteger();

	volatile int refusalStatus = 503;

	volatile boolean paused;

	volatile int dropEvery;

	final AtomicLong eventsSeen = new AtomicLong();

	volatile @Nullable Duration tokenLifetime;

	volatile @Nullable Duration ackDelay;

	volatile boolean withholdAcks;

	/** Expires the tokens of every open connection at a fixed rate, when asked. */
	volatile @Nullable ScheduledFuture<?> periodicExpiry;

	/** Idempotency keys to reject, mapped to the error code to reject them with. */
	final Map<String, String> rejections = new ConcurrentHashMap<>();

	void clear() {
		this.refusedHandshakes.set(0);
		this.refusalStatus = 503;
		this.paused = false;
		this.dropEvery = 0;
		this.eventsSeen.set(0);
		this.tokenLifetime = null;
		this.ackDelay = null;
		this.withholdAcks = false;
		this.rejections.clear();
		ScheduledFuture<?> expiry = this.periodicExpiry;
		if (expiry != null) {
			expiry.cancel(false);
			this.periodicExpiry = null;
		}
	}

	/**
	 * Count an event arriving and tell whether its connection is to be dropped after it.
	 * @return whether the event is the Nth since drops were asked for
	 */
	boolean countEventAndDrop() {
		long seen = this.eventsSeen.incrementAndGet();
		int every = this.dropEvery;
		return every > 0 && seen % every == 0;
	}

}

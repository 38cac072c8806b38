package dev.realtime.client.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.ClientMetrics;

/**
 * The running counts behind {@link ClientMetrics}, updated from the client's threads.
 */
final class ClientCounters {

	final AtomicLong reconnects = new AtomicLong();

	final AtomicLong reconnectNanos = new AtomicLong();

	final AtomicLong sent = new AtomicLong();

	final AtomicLong acked = new AtomicLong();

	final AtomicLong received = new AtomicLong();

	final AtomicLong duplicates = new AtomicLong();

	final AtomicLong gaps = new AtomicLong();

	final AtomicLong invalidFrames = new AtomicLong();

	final AtomicLong deadLettered = new AtomicLong();

	final AtomicLong parked = new AtomicLong();

	final AtomicLong dropped = new AtomicLong();

	final AtomicLong resequences = new AtomicLong();

	void reconnected(long nanos) {
		this.reconnects.incrementAndGet();
		this.reconnectNanos.addAndGet(nanos);
	}

	ClientMetrics snapshot(long queueSize, long deadLetters, long failedInbound,
			@Nullable Instant oldestPendingCreatedAt) {
		long count = this.reconnects.get();
		Duration average = (count > 0) ? Duration.ofNanos(this.reconnectNanos.get() / count) : Duration.ZERO;
		return new ClientMetrics(count, this.sent.get(), this.acked.get(), this.received.get(), this.duplicates.get(),
				this.invalidFrames.get(), queueSize, deadLetters, failedInbound, average, this.deadLettered.get(),
				this.parked.get(), oldestPendingCreatedAt, this.dropped.get(), this.resequences.get());
	}

}

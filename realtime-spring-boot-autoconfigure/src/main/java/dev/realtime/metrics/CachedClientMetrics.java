package dev.realtime.metrics;

import java.time.Duration;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.ClientMetrics;
import dev.realtime.client.ObservableClient;

/**
 * A client's {@linkplain ObservableClient#metrics() metrics}, reused for a short time: a
 * snapshot counts the outbox and inbox, which may be database queries, and one scrape
 * reads many meters.
 */
public final class CachedClientMetrics implements Supplier<ClientMetrics> {

	private final ObservableClient client;

	private final long ttlNanos;

	private volatile @Nullable Snapshot cached;

	/**
	 * Create a cache.
	 * @param client the client
	 * @param timeToLive how long a snapshot is reused, zero to take a new one on every
	 * call
	 */
	public CachedClientMetrics(ObservableClient client, Duration timeToLive) {
		if (timeToLive.isNegative()) {
			throw new IllegalArgumentException("timeToLive must not be negative");
		}
		this.client = client;
		this.ttlNanos = timeToLive.toNanos();
	}

	/**
	 * Return a snapshot no older than the time to live.
	 * @return the metrics
	 */
	@Override
	public ClientMetrics get() {
		long now = System.nanoTime();
		Snapshot snapshot = this.cached;
		// concurrent callers after expiry may each take a snapshot: harmless, and no lock
		// on a scrape
		if (snapshot == null || now - snapshot.takenNanos >= this.ttlNanos) {
			snapshot = new Snapshot(this.client.metrics(), now);
			this.cached = snapshot;
		}
		return snapshot.metrics;
	}

	private record Snapshot(ClientMetrics metrics, long takenNanos) {
	}

}

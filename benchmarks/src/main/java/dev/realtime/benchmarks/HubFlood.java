package dev.realtime.benchmarks;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Flood isolation of the reference hub ({@code realtime-hub} on PostgreSQL, at its
 * default rate limits): the ack latency of a quiet connection sending one event every 100
 * ms, first alone, then while another user's connection floods the hub with one-event
 * frames as fast as its socket takes them, reconnecting each time the hub closes it with
 * 4008.
 */
final class HubFlood {

	private static final Duration QUIET_ALONE = Duration.ofSeconds(10);

	private static final long QUIET_INTERVAL_MS = 100;

	private final Database database;

	HubFlood(Database database) {
		this.database = database;
	}

	/**
	 * Measure the quiet connection's ack p99 alone and during the flood.
	 * @param flood how long the flood lasts
	 * @return the p99 during the flood (with the number of 4008 closes), then alone
	 */
	Figure[] quietAckP99(Duration flood) {
		try (ReferenceHub hub = new ReferenceHub(this.database, "flood",
				Map.of("quiet-token", "raw-quiet000", "flood-token", "raw-flood000"), false)) {
			URI uri = hub.uri();
			Quiet quiet = new Quiet(uri);
			try {
				double alone = quiet.p99(QUIET_ALONE);
				Flooder flooder = new Flooder(uri);
				Thread flooding = new Thread(flooder::run, "bench-flooder");
				flooding.start();
				double during = quiet.p99(flood);
				flooder.stop.set(true);
				flooding.join(TimeUnit.SECONDS.toMillis(30));
				return new Figure[] { Figure.single(during, "ms",
						flooder.closes.get() + " closes of the flooder, " + flooder.sent.get() + " frames sent"),
						Figure.single(alone, "ms", null) };
			}
			finally {
				quiet.close();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	private static String event(long seq) {
		return "{\"type\":\"event\",\"seq\":" + seq + ",\"idempotency_key\":\"f" + seq
				+ "\",\"event\":\"note.saved\",\"payload\":{\"text\":\"hello\"}}";
	}

	/**
	 * One event every 100 ms; each ack's latency from the send of the events it covers.
	 */
	private static final class Quiet implements AutoCloseable {

		private final ConcurrentSkipListMap<Long, Long> unacked = new ConcurrentSkipListMap<>();

		private final List<Double> latencies = Collections.synchronizedList(new ArrayList<>());

		private final AtomicLong seq = new AtomicLong();

		private final RawConnection connection;

		private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();

		Quiet(URI uri) {
			this.connection = RawConnection.open(uri, "quiet000-" + RawConnection.newClientId(), "quiet-token",
					this::onText, () -> {
					});
		}

		private void onText(String text) {
			long ackSeq = RawConnection.longField(text, "ack_seq");
			if (ackSeq < 0) {
				return;
			}
			long now = System.nanoTime();
			var covered = this.unacked.headMap(ackSeq, true);
			covered.values().forEach((sentAt) -> this.latencies.add((now - sentAt) / 1e6));
			covered.clear();
		}

		double p99(Duration duration) throws InterruptedException {
			this.latencies.clear();
			var task = this.pace.scheduleAtFixedRate(() -> {
				long next = this.seq.incrementAndGet();
				this.unacked.put(next, System.nanoTime());
				this.connection.send(event(next));
			}, 0, QUIET_INTERVAL_MS, TimeUnit.MILLISECONDS);
			Thread.sleep(duration.toMillis()); // the measured window, not a wait for a
												// result
			task.cancel(false);
			Windows.await(this.unacked::isEmpty, Duration.ofSeconds(30));
			List<Double> sorted = new ArrayList<>(this.latencies);
			Collections.sort(sorted);
			return sorted.isEmpty() ? Double.NaN : sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
		}

		@Override
		public void close() {
			this.pace.shutdownNow();
			this.connection.close();
		}

	}

	/**
	 * One-event frames as fast as the socket takes them, reconnecting after each close.
	 */
	private static final class Flooder {

		final AtomicBoolean stop = new AtomicBoolean();

		final AtomicInteger closes = new AtomicInteger();

		final AtomicLong sent = new AtomicLong();

		private final URI uri;

		Flooder(URI uri) {
			this.uri = uri;
		}

		void run() {
			while (!this.stop.get()) {
				AtomicBoolean closed = new AtomicBoolean();
				try (RawConnection connection = RawConnection.open(this.uri, "flood000-" + RawConnection.newClientId(),
						"flood-token", (text) -> {
						}, () -> closed.set(true))) {
					for (long seq = 1; !closed.get() && !this.stop.get(); seq++) {
						connection.send(event(seq));
						this.sent.incrementAndGet();
					}
				}
				catch (IllegalStateException ex) {
					// closed by the hub mid-send
				}
				if (closed.get()) {
					this.closes.incrementAndGet();
				}
			}
		}

	}

}

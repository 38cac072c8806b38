package dev.realtime.benchmarks;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.realtime.client.ConnectionState;
import dev.realtime.client.DeliveryStrategy;
import dev.realtime.client.RealtimeClient;
import dev.realtime.client.SendHandle;
import dev.realtime.client.SendOptions;

/**
 * The starter's figures, each in a fresh context and schema, through the public API only.
 */
final class StarterFigures {

	/**
	 * Events the senders may be ahead of the hub before they wait (a bound, not a
	 * tuning).
	 */
	private static final int MAX_BACKLOG = 20_000;

	private static final Duration DRAIN_WAIT = Duration.ofSeconds(120);

	/** Longest one catch-up run may take: a slow one reports the rate it reached. */
	private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(60);

	private final BenchHub hub;

	private final Database database;

	private final Windows windows;

	StarterFigures(BenchHub hub, Database database, Windows windows) {
		this.hub = hub;
		this.database = database;
		this.windows = windows;
	}

	/**
	 * The live-inbound row's figures, with the same hub, database and windows.
	 * @return the row's measurements
	 */
	LiveInbound liveInbound() {
		return new LiveInbound(this.hub, this.database, this.windows);
	}

	/**
	 * The many-users row's figures, with the same hub, database and windows.
	 * @return the row's measurements
	 */
	ManyUsers manyUsers() {
		return new ManyUsers(this.hub, this.database, this.windows);
	}

	/**
	 * Senders calling {@code sendEvent} as fast as the starter lets them, measured as
	 * events accepted by the hub.
	 * @param threads sending threads
	 * @param perTransaction sends per caller transaction, 1 for none
	 * @param strategy the delivery strategy, or {@code null} for the default
	 * @param properties further properties
	 * @return events per second accepted by the hub
	 */
	Figure throughput(int threads, int perTransaction, @Nullable DeliveryStrategy strategy, String... properties) {
		try (Starter starter = Starter.start(this.hub, this.database, properties)) {
			RealtimeClient client = starter.client();
			BenchHub.ClientStream stream = this.hub.client(client.clientId());
			LongSupplier delivered = (strategy == DeliveryStrategy.AT_MOST_ONCE) ? stream::unsequenced
					: stream::distinct;
			Senders senders = new Senders(client, strategy);
			TransactionTemplate transactions = starter.transactions();
			Figure figure;
			try (Load load = new Load("starter", threads, (thread) -> {
				if (senders.sent.get() - delivered.getAsLong() > MAX_BACKLOG) {
					LockSupport.parkNanos(100_000);
					return;
				}
				if (perTransaction <= 1) {
					senders.send();
				}
				else {
					senders.sendInTransaction(transactions, perTransaction);
				}
			})) {
				figure = this.windows.throughput(delivered);
			}
			return Figure.settle(figure, senders.sent.get(), delivered, stream::duplicates, DRAIN_WAIT)
				.note(senders.refusedNote());
		}
	}

	/**
	 * Ack latency at a steady, low rate: from {@code sendEvent} to its handle's ack.
	 * @param perSecond the rate
	 * @return p50 and p99 in milliseconds
	 */
	Figure[] ackLatency(int perSecond) {
		try (Starter starter = Starter.start(this.hub, this.database)) {
			Senders senders = new Senders(starter.client(), null);
			Latencies latencies = new Latencies();
			long interval = 1_000_000_000L / perSecond;
			AtomicLong next = new AtomicLong(System.nanoTime());
			AtomicLong acked = new AtomicLong();
			Figure[] figures;
			try (Load load = new Load("starter-latency", 1, (thread) -> {
				LockSupport.parkNanos(next.addAndGet(interval) - System.nanoTime());
				long start = System.nanoTime();
				senders.sendOne().acknowledged().thenRun(() -> {
					latencies.record(System.nanoTime() - start);
					acked.incrementAndGet();
				});
			})) {
				figures = this.windows.latencies(latencies);
			}
			// a rate the starter cannot sustain shows as a backlog, not only as latency
			String note = String.format(Locale.ROOT, "%,d sent, %,d acked by the end", senders.sent.get(), acked.get());
			return new Figure[] { figures[0].note(note), figures[1] };
		}
	}

	/**
	 * Reconnect after the hub closes the connection (1001), with no reconnect backoff:
	 * timed from the close to the client being connected again (resumed).
	 * @return per window, the median in milliseconds
	 */
	Figure reconnect() {
		try (Starter starter = Starter.start(this.hub, this.database, "realtime.reconnect.initial-delay=0ms",
				"realtime.reconnect.jitter=0")) {
			RealtimeClient client = starter.client();
			Semaphore connected = new Semaphore(0);
			client.onConnectionStateChange((change) -> {
				if (change.current() == ConnectionState.CONNECTED) {
					connected.release();
				}
			});
			double[] values = this.windows.repeated(() -> {
				long start = System.nanoTime();
				if (!this.hub.close(client.clientId(), 1001)) {
					throw new IllegalStateException("Starter was not connected");
				}
				acquire(connected, Duration.ofSeconds(30));
				return (System.nanoTime() - start) / 1e6;
			}, false);
			return Figure.of(values, "ms");
		}
	}

	/**
	 * Resume catch-up: the hub holds missed events; the client connects, resumes, stores
	 * them in its inbox and hands them to a listener. A run that does not finish within
	 * the drain wait counts what arrived by then, and its rest arrives in the next run.
	 * @param events missed events per run
	 * @return events per second, connect included
	 */
	Figure catchUp(int events) {
		try (Starter starter = Starter.start(this.hub, this.database, "realtime.auto-connect=false")) {
			RealtimeClient client = starter.client();
			Arrivals arrivals = new Arrivals();
			AtomicLong stored = new AtomicLong();
			client.onMessage((message) -> arrivals.record(message.seq()));
			AtomicLong incomplete = new AtomicLong();
			double[] rates = this.windows.repeated(() -> {
				this.hub.storeInbound(starter.userId(), events, Frames.PAYLOAD);
				long target = stored.addAndGet(events);
				long before = arrivals.received();
				long start = System.nanoTime();
				client.connect();
				if (!Windows.await(() -> arrivals.received() >= target, CATCH_UP_WAIT)) {
					incomplete.incrementAndGet();
				}
				double rate = (arrivals.received() - before) * 1e9 / (System.nanoTime() - start);
				client.disconnect();
				starter.awaitState(ConnectionState.DISCONNECTED);
				return rate;
			}, true);
			// counted at the listener: each stored event once, none twice (the rest of a
			// run that
			// did not finish arrives now)
			client.connect();
			Figure figure = Figure.settle(Figure.of(rates, "/s"), stored.get(), arrivals::received,
					arrivals::duplicates, CATCH_UP_WAIT);
			return (incomplete.get() > 0)
					? figure.note(incomplete.get() + " runs did not finish within " + CATCH_UP_WAIT.toSeconds() + " s")
					: figure;
		}
	}

	/**
	 * What {@code sendEvent} adds to a caller's transaction, its commit included.
	 * @param sends events sent in the transaction
	 * @return microseconds added per transaction
	 */
	Figure txOverhead(int sends) {
		try (Starter starter = Starter.start(this.hub, this.database)) {
			starter.jdbc().execute("create table bench_app (id bigserial primary key, body text not null)");
			Senders senders = new Senders(starter.client(), null);
			TransactionTemplate transactions = starter.transactions();
			return Overhead.measure(this.windows, (withEvent) -> transactions.executeWithoutResult((status) -> {
				starter.jdbc().update("insert into bench_app (body) values (?)", "order");
				for (int i = 0; withEvent && i < sends; i++) {
					senders.sendOne();
				}
			}));
		}
	}

	/**
	 * Drain: events queued while the hub is down (handshakes refused), then the hub comes
	 * back.
	 * @param events events queued
	 * @param timeout longest the drain may take
	 * @return the drain rate (from the first resume after the hub is back), the heap with
	 * the events pending and the heap after the drain
	 */
	Figure[] drain(int events, Duration timeout) {
		try (Starter starter = Starter.start(this.hub, this.database, "realtime.outbox.max-size=" + (events + 10_000),
				"realtime.reconnect.max-delay=1s")) {
			RealtimeClient client = starter.client();
			BenchHub.ClientStream stream = this.hub.client(client.clientId());
			this.hub.refuseHandshakes(true);
			this.hub.close(client.clientId(), 1001);
			Windows.await(() -> client.connectionState() != ConnectionState.CONNECTED, Duration.ofSeconds(30));
			Senders senders = new Senders(client, null);
			TransactionTemplate transactions = starter.transactions();
			AtomicLong chunks = new AtomicLong();
			int chunk = 1000;
			long fillStart = System.nanoTime();
			try (Load fill = new Load("starter-fill", 2, (thread) -> {
				if (chunks.getAndIncrement() * chunk >= events) {
					LockSupport.parkNanos(1_000_000);
					return;
				}
				senders.sendInTransaction(transactions, chunk);
			})) {
				Windows.await(() -> senders.sent.get() >= events || senders.refused.get() > 0, Duration.ofHours(2));
			}
			double fillSeconds = (System.nanoTime() - fillStart) / 1e9;
			double heapPending = usedHeapMib();
			long resumes = this.hub.resumes();
			this.hub.refuseHandshakes(false);
			if (!Windows.await(() -> this.hub.resumes() > resumes, Duration.ofSeconds(60))) {
				throw new IllegalStateException("Client did not reconnect within 60 s after the hub came back");
			}
			long start = System.nanoTime();
			boolean drained = Windows.await(() -> stream.distinct() >= senders.sent.get(), timeout);
			double seconds = (System.nanoTime() - start) / 1e9;
			long done = stream.distinct();
			Windows.await(() -> client.pendingCount() == 0, Duration.ofSeconds(10));
			double heapAfter = usedHeapMib();
			String note = String.format(Locale.ROOT, "%,d queued in %.0f s; %s %,d in %.1f s", senders.sent.get(),
					fillSeconds, drained ? "drained" : "NOT drained, got", done, seconds);
			Figure rate = Figure.single(done / seconds, "/s", note)
				.counted(drained ? senders.sent.get() - done : -1, stream.duplicates());
			return new Figure[] { rate,
					Figure.single(heapPending, "MiB",
							"used heap after GC, " + "events pending, max " + maxHeapMib() + " MiB"),
					Figure.single(heapAfter, "MiB", "used heap after GC, " + client.pendingCount() + " pending") };
		}
		finally {
			this.hub.refuseHandshakes(false);
		}
	}

	/**
	 * A steady run at 16 threads printing throughput per minute, to show whether it
	 * degrades as dead rows accumulate (autovacuum is off on the benchmark machine).
	 * @param length how long
	 */
	void sustained(Duration length) {
		try (Starter starter = Starter.start(this.hub, this.database)) {
			RealtimeClient client = starter.client();
			BenchHub.ClientStream stream = this.hub.client(client.clientId());
			Senders senders = new Senders(client, null);
			System.out
				.println("| minute | events/s accepted by the hub | duplicates so far | dead tuples in the schema |");
			System.out.println("|---|---|---|---|");
			try (Load load = new Load("starter-sustained", 16, (thread) -> {
				if (senders.sent.get() - stream.distinct() > MAX_BACKLOG) {
					LockSupport.parkNanos(100_000);
					return;
				}
				senders.send();
			})) {
				long minutes = Math.max(1, length.toMinutes());
				for (long minute = 1; minute <= minutes; minute++) {
					long count = stream.distinct();
					long start = System.nanoTime();
					Windows.sleep(Duration.ofMinutes(1));
					double rate = (stream.distinct() - count) * 1e9 / (System.nanoTime() - start);
					System.out.printf(Locale.ROOT, "| %d | %,.0f | %d | %,d |%n", minute, rate, stream.duplicates(),
							this.database.deadTuples(starter.schema()));
				}
			}
			Windows.await(() -> stream.distinct() >= senders.sent.get(), DRAIN_WAIT);
			System.out.printf(Locale.ROOT, "sent %,d, lost %d, duplicates %d%s%n", senders.sent.get(),
					senders.sent.get() - stream.distinct(), stream.duplicates(),
					(senders.refusedNote() != null) ? "; " + senders.refusedNote() : "");
		}
	}

	private static double usedHeapMib() {
		for (int i = 0; i < 3; i++) {
			System.gc();
			Windows.sleep(Duration.ofMillis(200));
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024);
	}

	private static long maxHeapMib() {
		return Runtime.getRuntime().maxMemory() / (1024 * 1024);
	}

	private static void acquire(Semaphore semaphore, Duration timeout) {
		try {
			if (!semaphore.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Timed out after " + timeout);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Calls {@code sendEvent} with benchmark keys (so the hub tracks them in a bit set)
	 * and counts what was accepted and what was refused because the queue was full.
	 */
	private static final class Senders {

		private final RealtimeClient client;

		private final SendOptions options;

		private final AtomicLong keys = new AtomicLong();

		final AtomicLong sent = new AtomicLong();

		final AtomicLong refused = new AtomicLong();

		private final Map<String, Long> refusals = new ConcurrentSkipListMap<>();

		Senders(RealtimeClient client, @Nullable DeliveryStrategy strategy) {
			this.client = client;
			this.options = (strategy != null) ? SendOptions.with(strategy) : SendOptions.defaults();
		}

		SendHandle sendOne() {
			SendHandle handle = this.client.sendEvent(Frames.EVENT, Frames.PAYLOAD_OBJECT,
					this.options.idempotencyKey(BenchHub.KEY_PREFIX + this.keys.incrementAndGet()));
			this.sent.incrementAndGet();
			return handle;
		}

		/**
		 * Send one event outside any transaction; a full queue is counted, not fatal.
		 */
		void send() {
			try {
				sendOne();
			}
			catch (RuntimeException ex) {
				refused(ex);
			}
		}

		/**
		 * Send events in one caller transaction; they count once it commits.
		 * @param transactions the caller's transactions
		 * @param count how many
		 */
		void sendInTransaction(TransactionTemplate transactions, int count) {
			try {
				transactions.executeWithoutResult((status) -> {
					for (int i = 0; i < count; i++) {
						this.client.sendEvent(Frames.EVENT, Frames.PAYLOAD_OBJECT,
								this.options.idempotencyKey(BenchHub.KEY_PREFIX + this.keys.incrementAndGet()));
					}
					TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {

						@Override
						public void afterCommit() {
							Senders.this.sent.addAndGet(count);
						}

					});
				});
			}
			catch (RuntimeException ex) {
				refused(ex);
			}
		}

		/**
		 * Count a send that threw (a full queue, a write timeout) by exception type: the
		 * figure stands, and the note tells how many calls failed and why.
		 * @param ex what the send threw
		 */
		private void refused(RuntimeException ex) {
			this.refused.incrementAndGet();
			this.refusals.merge(ex.getClass().getSimpleName(), 1L, Long::sum);
			LockSupport.parkNanos(1_000_000);
		}

		@Nullable String refusedNote() {
			return this.refusals.isEmpty() ? null : "sendEvent threw " + this.refusals;
		}

	}

}

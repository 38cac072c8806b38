package dev.realtime.hub;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * The Redis bus's one writer thread and its view of Redis's reachability: writes run in
 * order, off the callers' threads, from a bounded queue (a full queue drops the write:
 * the catch-up makes up for a lost publish); a failure marks Redis unreachable with one
 * WARN line, the next success marks it reachable again with one INFO line. Hand-written
 * because a plain executor has neither the outage state nor the one-line logging the
 * hub's operations rely on.
 */
final class RedisHubWriter {

	private static final Log logger = LogFactory.getLog(RedisHubWriter.class);

	private final ThreadPoolExecutor executor;

	private final String outage;

	private final AtomicBoolean reachable = new AtomicBoolean(true);

	/** Keys of the {@link #submitOnce} tasks queued and not yet run. */
	private final Set<String> queued = ConcurrentHashMap.newKeySet();

	RedisHubWriter(int capacity, String outage) {
		this.outage = outage;
		this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(capacity),
				(task) -> {
					Thread thread = new Thread(task, "hub-redis-writer");
					thread.setDaemon(true);
					return thread;
				}, new ThreadPoolExecutor.DiscardPolicy());
	}

	boolean reachable() {
		return this.reachable.get();
	}

	void submit(Runnable write) {
		submit(write, null);
	}

	/**
	 * Queue a write.
	 * @param write the write
	 * @param onFailure run instead when the write fails or is dropped, if not
	 * {@code null}
	 */
	void submit(Runnable write, @Nullable Runnable onFailure) {
		try {
			this.executor.execute(() -> {
				if (!run(write) && onFailure != null) {
					onFailure.run();
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// stopped: the node is going away
			if (onFailure != null) {
				onFailure.run();
			}
		}
		if (this.executor.getQueue().remainingCapacity() == 0) {
			failed("the write queue is full");
		}
	}

	/**
	 * Queue a write unless one of the same key is queued already.
	 * @param key what the write does
	 * @param write the write
	 */
	void submitOnce(String key, Runnable write) {
		if (this.queued.add(key)) {
			submit(() -> {
				this.queued.remove(key);
				write.run();
			}, () -> this.queued.remove(key));
		}
	}

	/**
	 * Read from Redis on the caller's thread.
	 * @param <T> what is read
	 * @param read the read
	 * @return what was read, {@code null} when Redis failed
	 */
	<T> @Nullable T read(Supplier<T> read) {
		try {
			T result = read.get();
			succeeded();
			return result;
		}
		catch (RuntimeException ex) {
			failed(ex.getMessage());
			return null;
		}
	}

	private boolean run(Runnable write) {
		try {
			write.run();
			succeeded();
			return true;
		}
		catch (RuntimeException ex) {
			failed(ex.getMessage());
			return false;
		}
	}

	private void succeeded() {
		if (this.reachable.compareAndSet(false, true)) {
			logger.info("Redis reachable again; live fan-out between hub nodes resumed");
		}
	}

	private void failed(@Nullable String why) {
		if (this.reachable.compareAndSet(true, false)) {
			logger.warn(this.outage + " (" + why + ")");
		}
	}

	void close() {
		this.executor.shutdownNow();
	}

}

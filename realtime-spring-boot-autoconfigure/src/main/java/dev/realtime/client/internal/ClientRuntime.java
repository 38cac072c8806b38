package dev.realtime.client.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads every client of an application shares, so that their number does not grow
 * with the number of clients (users). Each client works on strands, serial executors on
 * these pools, which keep the ordering its own threads would give:
 * <ul>
 * <li>one timer thread fires every client's timers (heartbeats, timeouts, reconnect
 * delays, relay polls) and hands each action to its strand;</li>
 * <li>the event-loop pool runs the clients' connection state, which never waits for the
 * database, so heartbeats keep running while the database is slow;</li>
 * <li>the I/O pool runs the work that waits for the database: the relay (outbox claims,
 * acks, leases) and the inbound store's writes;</li>
 * <li>the dispatch pool runs the listeners of inbound events, so a slow listener delays
 * no ack and no other client's store.</li>
 * </ul>
 * A client's work waits for a free thread of its pool when all are busy: the I/O and
 * dispatch pools bound how many database calls and listeners run at once. Pool threads
 * are started as work arrives, up to the sizes given. Close the runtime after the clients
 * that use it.
 */
public final class ClientRuntime implements AutoCloseable {

	private final ScheduledThreadPoolExecutor timer;

	private final ExecutorService loop;

	private final ExecutorService io;

	private final ExecutorService dispatch;

	/**
	 * Create a runtime sized for many clients on this machine: as many event-loop threads
	 * as processors (at least two), eight I/O and eight dispatch threads.
	 * @return the runtime
	 */
	public static ClientRuntime create() {
		return new ClientRuntime(Math.max(2, Runtime.getRuntime().availableProcessors()), 8, 8);
	}

	/**
	 * Create a runtime with pools of the given sizes.
	 * @param loopThreads the event-loop threads, which run connection state and timers'
	 * actions
	 * @param ioThreads the threads that wait for the database (relay, inbound store)
	 * @param dispatchThreads the threads that run inbound listeners
	 */
	public ClientRuntime(int loopThreads, int ioThreads, int dispatchThreads) {
		if (loopThreads < 1 || ioThreads < 1 || dispatchThreads < 1) {
			throw new IllegalArgumentException("Every pool of the client runtime needs at least one thread, got loop "
					+ loopThreads + ", io " + ioThreads + ", dispatch " + dispatchThreads);
		}
		this.timer = new ScheduledThreadPoolExecutor(1, threads("realtime-timer"));
		// heartbeats and timeouts are cancelled far more often than they fire
		this.timer.setRemoveOnCancelPolicy(true);
		this.timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
		this.loop = pool(loopThreads, "realtime-loop");
		this.io = pool(ioThreads, "realtime-io");
		this.dispatch = pool(dispatchThreads, "realtime-dispatch");
	}

	private static ExecutorService pool(int size, String name) {
		return new ThreadPoolExecutor(size, size, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threads(name));
	}

	private static ThreadFactory threads(String prefix) {
		AtomicInteger count = new AtomicInteger();
		return (task) -> {
			Thread thread = new Thread(task, prefix + "-" + count.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		};
	}

	/**
	 * Return a new strand for a client's connection state (its event loop).
	 * @param name names the strand in logs
	 * @return the strand
	 */
	Strand loopStrand(String name) {
		return new Strand(name, this.loop, this.timer);
	}

	/**
	 * Return a new strand for work that waits for the database.
	 * @param name names the strand in logs
	 * @return the strand
	 */
	Strand ioStrand(String name) {
		return new Strand(name, this.io, this.timer);
	}

	/**
	 * Return a new strand for inbound listeners.
	 * @param name names the strand in logs
	 * @return the strand
	 */
	Strand dispatchStrand(String name) {
		return new Strand(name, this.dispatch, this.timer);
	}

	/**
	 * Return whether the runtime was closed.
	 * @return whether {@link #close()} was called
	 */
	public boolean isClosed() {
		return this.timer.isShutdown();
	}

	/**
	 * Stop the threads: what is queued still runs, timers no longer fire.
	 */
	@Override
	public void close() {
		this.timer.shutdown();
		this.loop.shutdown();
		this.io.shutdown();
		this.dispatch.shutdown();
	}

}

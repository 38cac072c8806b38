package dev.realtime.client.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.Acknowledgement;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.EventRejectedException;

/**
 * Writes at-most-once events, which are never stored, to the connection: queued by the
 * senders' threads, written on the client's event loop, several to a frame when the
 * sender is faster than the connection, and dropped when there is no connection or its
 * write buffer is full.
 */
final class AtMostOnceSender {

	/**
	 * Code of the rejection of an at-most-once event dropped because too much waits to be
	 * written to the hub.
	 */
	private static final String BACKPRESSURE = "backpressure";

	private final ClientSettings settings;

	private final ClientCounters counters;

	/** Posts to the loop. */
	private final Executor loop;

	/**
	 * The connection while the client is connected, else {@code null}; read on the loop.
	 */
	private final Supplier<@Nullable Connection> connected;

	/** Events waiting for the loop. */
	private final Queue<Queued> queued = new ConcurrentLinkedQueue<>();

	private final AtomicBoolean scheduled = new AtomicBoolean();

	AtMostOnceSender(ClientSettings settings, ClientCounters counters, Executor loop,
			Supplier<@Nullable Connection> connected) {
		this.settings = settings;
		this.counters = counters;
		this.loop = loop;
		this.connected = connected;
	}

	/**
	 * Write an event soon, on the loop.
	 * @param key the event's idempotency key
	 * @param frame the encoded event frame, without a seq
	 * @param outcome completed once written, failed once dropped
	 */
	void send(String key, String frame, SendOutcome outcome) {
		this.queued.add(new Queued(key, frame, outcome));
		if (this.scheduled.compareAndSet(false, true)) {
			this.loop.execute(this::write);
		}
	}

	private void write() {
		this.scheduled.set(false);
		List<Queued> batch = new ArrayList<>();
		for (Queued next = this.queued.poll(); next != null; next = this.queued.poll()) {
			batch.add(next);
		}
		Connection connection = this.connected.get();
		int next = 0;
		for (FramePacker.Packed packed : FramePacker.pack(batch.stream().map(Queued::frame).toList(),
				this.settings.batchSize(), this.settings.maxFrameSize())) {
			Connection.Written written = (connection != null) ? connection.offer(packed.text())
					: Connection.Written.NOT_SENT;
			// counted first: whoever the handle tells finds the count moved
			AtomicLong count = (written == Connection.Written.SENT) ? this.counters.sent : this.counters.dropped;
			count.addAndGet(packed.frames());
			for (Queued event : batch.subList(next, next + packed.frames())) {
				if (written == Connection.Written.SENT) {
					event.outcome().complete(new Acknowledgement(event.key(), null, null));
				}
				else {
					event.outcome().fail(dropped(event.key(), written, connection != null));
				}
			}
			next += packed.frames();
		}
	}

	private static EventRejectedException dropped(String key, Connection.Written written, boolean connected) {
		if (written == Connection.Written.DROPPED) {
			return new EventRejectedException(key, BACKPRESSURE,
					"at-most-once event dropped: the hub reads slower than events are sent, and the connection's "
							+ "write buffer is full");
		}
		return new EventRejectedException(key, "not_connected",
				"at-most-once event dropped: " + (connected ? "the connection broke" : "not connected"));
	}

	/**
	 * An at-most-once event, encoded, waiting to be written.
	 */
	private record Queued(String key, String frame, SendOutcome outcome) {
	}

}

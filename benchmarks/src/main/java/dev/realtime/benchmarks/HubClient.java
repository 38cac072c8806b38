package dev.realtime.benchmarks;

import java.net.URI;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

/**
 * One raw protocol connection of the hub rows: it sends frames of sequenced events within
 * a window of events not yet acked, and acks each message of events it receives, as a
 * client acks what it stored. Frames are built and read as plain strings.
 */
final class HubClient implements AutoCloseable {

	private static final String EVENT_TYPE = "\"type\":\"event\"";

	private final String clientId;

	private final RawConnection connection;

	private final Semaphore window;

	private final Semaphore resumed = new Semaphore(0);

	private final AtomicLong acked;

	private final AtomicLong delivered;

	/** Guarded by this. */
	private long ackSeq;

	/** Touched by the sending thread only. */
	private long lastSent;

	private volatile @Nullable String error;

	private volatile boolean closed;

	/**
	 * Open a connection (without resuming).
	 * @param hub the hub's endpoint
	 * @param clientId the client id; the user is {@code raw-} and its first 8 characters
	 * @param token the development token
	 * @param inFlight the most events sent and not yet acked
	 * @param acked counts the events the hub acked, with the other clients'
	 * @param delivered counts the events received, with the other clients'
	 */
	HubClient(URI hub, String clientId, String token, int inFlight, AtomicLong acked, AtomicLong delivered) {
		this.clientId = clientId;
		this.window = new Semaphore(inFlight);
		this.acked = acked;
		this.delivered = delivered;
		this.connection = RawConnection.openOneOfMany(hub, clientId, token, this::onText, () -> this.closed = true);
	}

	String clientId() {
		return this.clientId;
	}

	/** Resume from the start of the user's stream and wait for the answer. */
	void resume() {
		this.connection.send("{\"type\":\"resume\",\"client_id\":\"" + this.clientId + "\",\"last_ack_seq\":0}");
		try {
			if (!this.resumed.tryAcquire(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("No resume_response for " + this.clientId + " within 30 s");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	void join(String room) {
		this.connection.send("{\"type\":\"meta\",\"event\":\"room.join\",\"payload\":{\"room\":\"" + room + "\"}}");
	}

	/**
	 * Send the next frame of events once the window has room for them (waiting at most
	 * 100 ms: the caller loops).
	 * @param events events in the frame (one: a single event object, else a batch)
	 * @param payload the payload of each
	 * @throws InterruptedException when interrupted while waiting
	 */
	void sendFrame(int events, String payload) throws InterruptedException {
		String rejected = this.error;
		if (this.closed || rejected != null) {
			// a rejected event is acked too: the figure would count it as accepted
			throw new IllegalStateException("The hub " + (this.closed ? "closed " : "answered ") + this.clientId
					+ ((rejected != null) ? " with: " + rejected : ""));
		}
		if (!this.window.tryAcquire(events, 100, TimeUnit.MILLISECONDS)) {
			return;
		}
		StringBuilder text = new StringBuilder(events * 300);
		text.append((events > 1) ? "[" : "");
		for (int i = 1; i <= events; i++) {
			long seq = this.lastSent + i;
			text.append((i > 1) ? "," : "")
				.append(Frames.event(this.clientId, seq, BenchHub.KEY_PREFIX + seq, Frames.EVENT, payload));
		}
		this.connection.send(text.append((events > 1) ? "]" : "").toString());
		this.lastSent += events;
	}

	/**
	 * Events sent so far (read after the sending thread stopped).
	 * @return the last seq sent
	 */
	long sent() {
		return this.lastSent;
	}

	private void onText(String text) {
		if (text.contains("\"type\":\"resume_response\"")) {
			this.resumed.release();
			return;
		}
		if (text.contains("\"type\":\"error\"")) {
			this.error = (text.length() > 300) ? text.substring(0, 300) : text;
		}
		int events = count(text, EVENT_TYPE);
		if (events > 0) {
			this.delivered.addAndGet(events);
			// the events of a message are in seq order: the last one's is the ack
			long last = RawConnection.longField(text.substring(Math.max(0, text.lastIndexOf("\"seq\":"))), "seq");
			this.connection.send("{\"type\":\"ack\",\"ack_seq\":" + last + "}");
		}
		if (text.contains("\"type\":\"ack\"")) {
			long ack = RawConnection.longField(text, "ack_seq");
			synchronized (this) {
				if (ack > this.ackSeq) {
					this.window.release(Math.toIntExact(ack - this.ackSeq));
					this.acked.addAndGet(ack - this.ackSeq);
					this.ackSeq = ack;
				}
			}
		}
	}

	private static int count(String text, String marker) {
		int count = 0;
		for (int at = text.indexOf(marker); at >= 0; at = text.indexOf(marker, at + marker.length())) {
			count++;
		}
		return count;
	}

	@Override
	public void close() {
		this.connection.close();
	}

}

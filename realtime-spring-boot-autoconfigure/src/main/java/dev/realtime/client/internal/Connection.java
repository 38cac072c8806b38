package dev.realtime.client.internal;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.jspecify.annotations.Nullable;

import dev.realtime.client.ClientSettings;
import dev.realtime.client.spi.Transport;
import dev.realtime.client.spi.Transport.TransportSession;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;

/**
 * One connection attempt, from the handshake to its end: the session, its timers, and
 * what was sent on it. Each attempt is a new object and an ended one stays ended, so late
 * callbacks of an old attempt find it ended and do nothing. Confined to the client's
 * event loop, except the transport's callbacks, which count the frame and post to the
 * loop.
 */
final class Connection implements Transport.TransportListener {

	/**
	 * Time a failed send waits for the hub's close frame, whose code decides what comes
	 * next.
	 */
	private static final long CLOSE_FRAME_GRACE_MILLIS = 500;

	/**
	 * Acks and rejections of seqs never sent after which the connection is closed with
	 * 1002: the hub's view of the outbound stream is not this client's.
	 */
	static final int MAX_FALSE_CLAIMS = 5;

	private final int id;

	private final @Nullable String token;

	private final ClientSettings settings;

	private final FrameCodec codec;

	private final ClientLoop loop;

	private final Owner owner;

	/**
	 * Frames received, counted on the transport's thread: a heartbeat wants one after its
	 * ping.
	 */
	private final AtomicLong received = new AtomicLong();

	private @Nullable TransportSession session;

	private boolean ended;

	/** The hub answered the first resume and no send failed since: ready for events. */
	private boolean resumed;

	private boolean resumeRequested;

	/** A send failed; the close code may still be on the way. */
	private boolean sendFailed;

	/** The highest seq written to this connection. */
	private long highestSent;

	/** Acks and rejections of seqs never sent that arrived on this connection. */
	private int falseClaims;

	private Strand.@Nullable Timer heartbeatTask;

	private Strand.@Nullable Timer resumeTimeoutTask;

	Connection(int id, @Nullable String token, ClientSettings settings, FrameCodec codec, ClientLoop loop,
			Owner owner) {
		this.id = id;
		this.token = token;
		this.settings = settings;
		this.codec = codec;
		this.loop = loop;
		this.owner = owner;
	}

	/**
	 * Return the number the relay knows this connection by.
	 * @return the connection's id
	 */
	int id() {
		return this.id;
	}

	/**
	 * Return the token of the handshake.
	 * @return the token, or {@code null} if the handshake had none
	 */
	@Nullable String token() {
		return this.token;
	}

	/**
	 * The transport opened the connection: ask the hub to resume after the cursor, and
	 * give it the connect timeout to answer.
	 * @param session the opened session
	 * @param clientId the client's id
	 * @param cursor the seq of the last inbound event the client stored
	 * @return whether the resume was sent
	 */
	boolean opened(TransportSession session, String clientId, long cursor) {
		this.session = session;
		if (!requestResume(clientId, cursor)) {
			return false;
		}
		long timeout = this.settings.connectTimeout().toMillis();
		this.resumeTimeoutTask = this.loop.schedule(() -> {
			if (!this.ended && !this.resumed) {
				this.owner.lost(this, "no resume_response within " + timeout + " ms");
			}
		}, timeout);
		return true;
	}

	/**
	 * The hub answered the first resume: the connection is ready, and pings start.
	 */
	void resumed() {
		this.resumed = true;
		Strand.cancel(this.resumeTimeoutTask);
		long interval = this.settings.heartbeatInterval().toMillis();
		this.heartbeatTask = this.loop.scheduleAtFixedRate(this::heartbeat, interval);
	}

	private void heartbeat() {
		if (this.ended) {
			return;
		}
		long seen = this.received.get();
		if (!send(new MetaFrame(MetaFrame.PING, this.codec.toPayload(null)))) {
			return;
		}
		long timeout = this.settings.heartbeatTimeout().toMillis();
		this.loop.schedule(() -> {
			if (!this.ended && this.received.get() == seen) {
				this.owner.lost(this, "heartbeat timeout: no frame within " + timeout + " ms of a ping");
			}
		}, timeout);
	}

	/**
	 * Return whether the connection is open and not ended.
	 * @return whether it is open and not ended
	 */
	boolean isOpen() {
		return !this.ended && this.session != null;
	}

	/**
	 * Return whether the connection is ready for events: resumed, and no send failed.
	 * @return whether it is ready for events
	 */
	boolean isResumed() {
		return this.resumed;
	}

	/**
	 * Ask the hub for what follows the cursor.
	 * @param clientId the client's id
	 * @param cursor the seq of the last inbound event the client stored
	 * @return whether the request was sent
	 */
	boolean requestResume(String clientId, long cursor) {
		this.resumeRequested = true;
		return send(new ResumeFrame(clientId, cursor));
	}

	/**
	 * Ask the hub for what follows the cursor after a while; meanwhile a resume counts as
	 * requested, so a gap does not ask sooner.
	 * @param clientId the client's id
	 * @param cursor the seq of the last inbound event the client stored
	 * @param delayMillis how long to wait
	 */
	void requestResumeLater(String clientId, long cursor, long delayMillis) {
		this.resumeRequested = true;
		this.loop.schedule(() -> {
			if (!this.ended) {
				requestResume(clientId, cursor);
			}
		}, delayMillis);
	}

	/**
	 * Return whether a resume was requested and its answer has not arrived.
	 * @return whether a resume answer is pending
	 */
	boolean isResumeRequested() {
		return this.resumeRequested;
	}

	/**
	 * A {@code resume_response} arrived.
	 */
	void resumeAnswered() {
		this.resumeRequested = false;
	}

	/**
	 * Events up to this seq were written to the connection.
	 * @param seq the highest seq just written
	 */
	void sentUpTo(long seq) {
		this.highestSent = Math.max(this.highestSent, seq);
	}

	/**
	 * Return the highest seq written to this connection.
	 * @return the highest seq written, or 0 if none
	 */
	long highestSent() {
		return this.highestSent;
	}

	/**
	 * Count an ack or a rejection of a seq never sent.
	 * @return how many arrived on this connection so far
	 */
	int falseClaim() {
		return ++this.falseClaims;
	}

	/**
	 * Return whether so many acks or rejections of seqs never sent arrived that the
	 * connection must be closed.
	 * @return whether {@link #MAX_FALSE_CLAIMS} were reached
	 */
	boolean tooManyFalseClaims() {
		return this.falseClaims >= MAX_FALSE_CLAIMS;
	}

	/**
	 * Write the frames of claimed events if the connection is ready for events, stopping
	 * at the first that cannot be sent (the next connection resends them all).
	 * @param frames the encoded frames
	 * @param lastSeq the highest seq in the frames
	 * @return whether every frame was handed to the transport
	 */
	boolean sendEvents(List<String> frames, long lastSeq) {
		if (!this.resumed) {
			return false;
		}
		for (String frame : frames) {
			if (!send(frame)) {
				return false;
			}
		}
		sentUpTo(lastSeq);
		return true;
	}

	boolean send(Frame frame) {
		return send(this.codec.encode(frame));
	}

	/**
	 * Send a message unless the connection ended or a send already failed.
	 * @param text the encoded message
	 * @return whether it was handed to the transport
	 */
	boolean send(String text) {
		return write(text, false) == Written.SENT;
	}

	/**
	 * Send an at-most-once message, which the transport drops when too much waits to be
	 * written, unless the connection ended or a send already failed.
	 * @param text the encoded message
	 * @return whether it was handed to the transport, dropped, or not sent
	 */
	Written offer(String text) {
		return write(text, true);
	}

	private Written write(String text, boolean droppable) {
		TransportSession current = this.session;
		if (this.ended || current == null || this.sendFailed) {
			return Written.NOT_SENT;
		}
		try {
			if (droppable) {
				return current.offer(text) ? Written.SENT : Written.DROPPED;
			}
			current.send(text);
			return Written.SENT;
		}
		catch (IOException | RuntimeException ex) {
			sendFailed("send failed: " + ReconnectPolicy.describe(ex));
			return Written.NOT_SENT;
		}
	}

	/**
	 * A send fails when the hub has just closed the connection, before its close frame is
	 * handled: stop sending and give the close code (4001 means refresh and reconnect at
	 * once) a moment to arrive before treating the connection as lost.
	 * @param reason why the send failed
	 */
	private void sendFailed(String reason) {
		this.sendFailed = true;
		this.resumed = false;
		this.loop.schedule(() -> {
			if (!this.ended) {
				this.owner.lost(this, reason);
			}
		}, CLOSE_FRAME_GRACE_MILLIS);
	}

	/**
	 * End the connection: stop its timers and ignore whatever it reports from now on.
	 * @return whether it was ready for events
	 */
	boolean end() {
		this.ended = true;
		Strand.cancel(this.heartbeatTask);
		Strand.cancel(this.resumeTimeoutTask);
		return this.resumed;
	}

	/**
	 * End the connection and close its session, if it was opened, without waiting for the
	 * hub.
	 * @param code the close code
	 * @param reason the close reason
	 */
	void close(int code, String reason) {
		end();
		TransportSession current = this.session;
		if (current != null) {
			current.close(code, reason);
		}
	}

	@Override
	public void onText(String text) {
		this.received.incrementAndGet();
		this.loop.post(() -> {
			if (!this.ended) {
				this.owner.text(this, text);
			}
		});
	}

	@Override
	public void onClosed(int code, String reason) {
		this.loop.post(() -> {
			if (!this.ended) {
				this.owner.closed(this, code, reason);
			}
		});
	}

	/**
	 * What happens on a live connection, told on the loop.
	 */
	interface Owner {

		/**
		 * A text message arrived.
		 * @param connection the connection it arrived on
		 * @param text the message
		 */
		void text(Connection connection, String text);

		/**
		 * The hub closed the connection, or it broke.
		 * @param connection the connection that closed
		 * @param code the close code
		 * @param reason the close reason
		 */
		void closed(Connection connection, int code, String reason);

		/**
		 * The connection is dead for a reason found on this side.
		 * @param connection the lost connection
		 * @param reason why it is considered lost
		 */
		void lost(Connection connection, String reason);

	}

	/**
	 * What became of a message that may be dropped.
	 */
	enum Written {

		/** Handed to the transport. */
		SENT,

		/** Dropped: too much waits to be written; the connection is fine. */
		DROPPED,

		/** Not sent: the connection ended or broke. */
		NOT_SENT

	}

}

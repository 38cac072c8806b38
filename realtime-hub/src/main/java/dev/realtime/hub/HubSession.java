package dev.realtime.hub;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;

import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * One open connection of a client, over any transport's {@link HubConnection}; live
 * delivery keeps a cursor so that the user's events reach this connection in seq order,
 * without gaps, and only once it has resumed.
 */
final class HubSession {

	private static final Log logger = LogFactory.getLog(HubSession.class);

	private final HubConnection connection;

	private final String userId;

	private final String clientId;

	private final FrameCodec codec;

	private final int maxFrameSize;

	/**
	 * Guards {@link #live} and {@link #cursor}, and orders resume answers with live
	 * pushes.
	 */
	private final Object deliveryLock = new Object();

	private boolean live;

	private long cursor;

	/** Only touched while processing this connection's messages, one at a time. */
	private int badFrames;

	/** What the connection sent, waiting to be processed. */
	private final HubInbox inbox;

	/**
	 * Whether the connection was sent the presence of its user's room mates. Touched like
	 * {@link #badFrames}.
	 */
	private boolean presenceSynced;

	/** Closes the session when its token expires; cancelled when it closes first. */
	private volatile @Nullable Future<?> expiry;

	HubSession(HubConnection connection, String userId, String clientId, FrameCodec codec, int maxFrameSize,
			HubInbox inbox) {
		this.connection = connection;
		this.inbox = inbox;
		this.userId = userId;
		this.clientId = clientId;
		this.codec = codec;
		this.maxFrameSize = maxFrameSize;
	}

	String id() {
		return this.connection.id();
	}

	String userId() {
		return this.userId;
	}

	String clientId() {
		return this.clientId;
	}

	boolean isOpen() {
		return this.connection.isOpen();
	}

	HubInbox inbox() {
		return this.inbox;
	}

	int countBadFrame() {
		return ++this.badFrames;
	}

	/**
	 * Note that the connection got the presence of its user's room mates.
	 * @return whether this was the first time
	 */
	boolean markPresenceSynced() {
		boolean first = !this.presenceSynced;
		this.presenceSynced = true;
		return first;
	}

	/**
	 * Send frames as one text message (a batch when more than one).
	 * @param frames the frames to send; none sends nothing
	 */
	void send(List<? extends Frame> frames) {
		if (!frames.isEmpty()) {
			sendText(this.codec.encodeAll(frames));
		}
	}

	/**
	 * Answer a resume and, on its last page, start live delivery right after what it
	 * replayed. Runs under the delivery lock so no live event overtakes the answer.
	 * @param answer computes the answer, under the lock
	 */
	void resume(Supplier<ResumeAnswer> answer) {
		synchronized (this.deliveryLock) {
			ResumeAnswer result = answer.get();
			sendText(this.codec.encode(result.frame()));
			this.live = result.complete();
			this.cursor = result.cursor();
		}
	}

	/**
	 * Deliver committed events of this session's user, in seq order. Events the session
	 * has already seen are skipped; a gap (another commit delivered out of order) is
	 * filled from the store so the client never sees one.
	 * @param events the committed events, in seq order
	 * @param store the store a gap is filled from
	 * @return how many events were written to the connection
	 */
	int deliver(List<StreamEvent> events, HubStore store) {
		if (events.isEmpty()) {
			return 0;
		}
		synchronized (this.deliveryLock) {
			if (!this.live || !isOpen()) {
				return 0;
			}
			long last = events.get(events.size() - 1).seq();
			if (last <= this.cursor) {
				return 0;
			}
			List<StreamEvent> pending = new ArrayList<>();
			if (events.get(0).seq() > this.cursor + 1) {
				return sendFromStore(last, store);
			}
			for (StreamEvent event : events) {
				if (event.seq() > this.cursor) {
					pending.add(event);
				}
			}
			sendEvents(pending);
			if (!pending.isEmpty()) {
				this.cursor = pending.get(pending.size() - 1).seq();
			}
			return pending.size();
		}
	}

	/**
	 * Send what the session missed of its user's stream up to a seq, read from the store:
	 * the live events of another node that never arrived (Redis was unreachable).
	 * @param head the last seq of the user's stream
	 * @param store the store to read from
	 * @return how many events were written to the connection
	 */
	int catchUp(long head, HubStore store) {
		synchronized (this.deliveryLock) {
			if (!this.live || !isOpen() || head <= this.cursor) {
				return 0;
			}
			return sendFromStore(head, store);
		}
	}

	private int sendFromStore(long last, HubStore store) {
		List<StreamEvent> pending = new ArrayList<>();
		long after = this.cursor;
		while (after < last) {
			List<StreamEvent> page = store.readStream(this.userId, after, 500);
			if (page.isEmpty()) {
				break;
			}
			for (StreamEvent event : page) {
				if (event.seq() <= last) {
					pending.add(event);
				}
			}
			after = page.get(page.size() - 1).seq();
		}
		sendEvents(pending);
		if (!pending.isEmpty()) {
			this.cursor = pending.get(pending.size() - 1).seq();
		}
		return pending.size();
	}

	private void sendEvents(List<StreamEvent> events) {
		List<EventFrame> chunk = new ArrayList<>();
		int size = 2;
		for (StreamEvent event : events) {
			if (!chunk.isEmpty() && size + event.approximateSize() > this.maxFrameSize) {
				send(chunk);
				chunk = new ArrayList<>();
				size = 2;
			}
			chunk.add(event.frame());
			size += event.approximateSize();
		}
		send(chunk);
	}

	private void sendText(String text) {
		if (!this.connection.isOpen()) {
			return;
		}
		try {
			this.connection.sendText(text);
		}
		catch (IOException | RuntimeException ex) {
			// the decorator gives up on a peer that stopped reading: drop it, the client
			// resumes
			logger.debug("Send to session " + id() + " of '" + this.userId + "' failed; closing it", ex);
			close(CloseStatus.SESSION_NOT_RELIABLE.getCode(), "send failed");
		}
	}

	void expireWith(Future<?> expiry) {
		this.expiry = expiry;
	}

	/**
	 * Forget the session's expiry, once it is closed.
	 */
	void closed() {
		Future<?> pending = this.expiry;
		if (pending != null) {
			pending.cancel(false);
		}
	}

	/**
	 * Close the connection.
	 * @param code the close code
	 * @param reason the close reason, cut to 60 characters
	 */
	void close(int code, String reason) {
		this.connection.close(code, (reason.length() > 60) ? reason.substring(0, 60) : reason);
	}

	@Override
	public String toString() {
		return "HubSession[id=" + id() + ", user=" + this.userId + ", client=" + this.clientId + "]";
	}

	/**
	 * What a resume request is answered with.
	 *
	 * @param frame the answer
	 * @param complete whether this was the last page, so live delivery starts
	 * @param cursor the last seq the answer covers
	 */
	record ResumeAnswer(ResumeResponseFrame frame, boolean complete, long cursor) {
	}

}

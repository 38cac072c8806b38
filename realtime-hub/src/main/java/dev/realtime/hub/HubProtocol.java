package dev.realtime.hub;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;

import dev.realtime.hub.HubEventAcceptor.Accepted;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.MessageElement;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;

/**
 * The protocol on one connection, whatever transport carries it: decodes each text
 * message, processes its frames in order and answers. Events are committed before they
 * are acked (one cumulative ack per message) and pushed live only after the ack went out.
 * A bad frame gets an {@code error}; too many close the connection with 4400, a flood of
 * messages closes it with 4008, but nothing a client sends crashes the session.
 */
final class HubProtocol implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(HubProtocol.class);

	private static final int PROCESSING_THREADS = 64;

	private final DefaultHub hub;

	private final HubSessionExpiry expiry;

	/**
	 * Processes the sessions' messages, one message of a session per turn. Threads start
	 * on demand and end when idle; the bound leaves room for the group commits of many
	 * busy connections, while the database pool is what actually limits them.
	 */
	private final ThreadPoolExecutor processing;

	HubProtocol(DefaultHub hub, HubSessionExpiry expiry) {
		this.hub = hub;
		this.expiry = expiry;
		AtomicInteger threads = new AtomicInteger();
		this.processing = new ThreadPoolExecutor(PROCESSING_THREADS, PROCESSING_THREADS, 60, TimeUnit.SECONDS,
				new LinkedBlockingQueue<>(), (task) -> {
					Thread thread = new Thread(task, "realtime-hub-" + threads.incrementAndGet());
					thread.setDaemon(true);
					return thread;
				});
		this.processing.allowCoreThreadTimeOut(true);
	}

	/**
	 * A connection passed the handshake: register its session.
	 * @param connection the connection, thread-safe
	 * @param accepted the handshake's outcome
	 * @return the session
	 */
	HubSession opened(HubConnection connection, HubHandshake.Accepted accepted) {
		HubProperties properties = this.hub.properties();
		HubProperties.RateLimit rateLimit = properties.getRateLimit();
		boolean limited = rateLimit.isEnabled();
		HubRateLimiter messageLimiter = limited
				? new HubRateLimiter(rateLimit.getMessagesPerSecond(), rateLimit.getBurst(), System::nanoTime) : null;
		HubRateLimiter eventLimiter = limited
				? new HubRateLimiter(rateLimit.getEventsPerSecond(), rateLimit.getEventBurst(), System::nanoTime)
				: null;
		int maxFrameSize = (int) properties.getMaxFrameSize().toBytes();
		HubInbox inbox = new HubInbox(messageLimiter, eventLimiter, maxFrameSize, this.processing);
		HubSession session = new HubSession(connection, accepted.userId(), accepted.clientId(), this.hub.codec(),
				maxFrameSize, inbox);
		this.hub.opened(session);
		Instant tokenValidUntil = accepted.validUntil();
		if (tokenValidUntil != null) {
			this.expiry.watch(session, tokenValidUntil);
		}
		logger.debug("Connected " + session);
		return session;
	}

	/**
	 * A text message arrived on a session. Messages of one session are handed over one at
	 * a time, in order, by the thread reading it: they are counted against the rate
	 * limits as they arrive, then processed in that order by the processing pool.
	 * @param session the session
	 * @param text the message
	 */
	void received(HubSession session, String text) {
		if (!session.isOpen()) {
			return;
		}
		HubProperties.RateLimit limit = this.hub.properties().getRateLimit();
		if (!session.inbox().admitMessage()) {
			rateLimited(session, limit.getMessagesPerSecond() + " messages");
			return;
		}
		List<MessageElement> elements = this.hub.codec().decodeElements(text);
		if (!session.inbox().admitEvents(eventCount(elements))) {
			rateLimited(session, limit.getEventsPerSecond() + " events");
			return;
		}
		enqueue(session, text.length(), () -> {
			try {
				process(session, elements);
			}
			catch (RuntimeException ex) {
				// the store failed: nothing was acked, the client resends after
				// reconnecting
				logger.error("Processing a message of " + session + " failed; closing the session", ex);
				session.close(CloseStatus.SERVER_ERROR.getCode(), "hub error");
			}
		});
	}

	private static int eventCount(List<MessageElement> elements) {
		int events = 0;
		for (MessageElement element : elements) {
			if (element.frame() instanceof EventFrame || element.rejectedSeq() != null) {
				events++;
			}
		}
		return events;
	}

	private void rateLimited(HubSession session, String limit) {
		// nothing of the message is processed: the client resends what was not acked
		logger.warn("Closing " + session + " with " + CloseCodes.RATE_LIMITED + ": it sent more than " + limit
				+ " per second");
		// counted before the close, so that whoever sees the close sees it counted
		this.hub.metrics().rateLimitClosed();
		session.close(CloseCodes.RATE_LIMITED, "rate limited");
	}

	/**
	 * A message arrived that is no text, as a transport with typed messages can tell:
	 * answered like a bad frame, in its turn.
	 * @param session the session
	 * @param problem what is wrong with it
	 */
	void rejected(HubSession session, String problem) {
		enqueue(session, 0, () -> {
			Replies replies = new Replies(session);
			if (!badFrame(session, problem, replies)) {
				replies.flush();
			}
		});
	}

	/**
	 * Queue a message's processing behind the session's earlier ones; a session closed
	 * meanwhile has nothing more processed (nothing of it was acked: the client resends).
	 * @param session the session
	 * @param size the message's length
	 * @param work processes the message
	 */
	private void enqueue(HubSession session, int size, Runnable work) {
		try {
			session.inbox().submit(size, () -> {
				if (session.isOpen()) {
					work.run();
				}
			});
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			session.close(CloseStatus.GOING_AWAY.getCode(), "hub stopping");
		}
		catch (RejectedExecutionException ex) {
			session.close(CloseStatus.GOING_AWAY.getCode(), "hub stopping");
		}
	}

	/**
	 * Stop the processing pool: messages still queued are not processed (nor acked).
	 * Spring calls it when the context closes.
	 */
	@Override
	public void close() {
		this.processing.shutdownNow();
	}

	/**
	 * A session's connection closed.
	 * @param session the session
	 * @param how the close, for the log
	 */
	void closed(HubSession session, String how) {
		logger.debug("Disconnected " + session + " (" + how + ")");
		session.closed();
		if (this.hub.sessions().remove(session)) {
			this.hub.rooms().disconnected(session.userId());
		}
	}

	private void process(HubSession session, List<MessageElement> elements) {
		Replies replies = new Replies(session);
		List<MessageElement> events = new ArrayList<>();
		for (MessageElement element : elements) {
			Frame frame = element.frame();
			if (frame instanceof EventFrame || element.rejectedSeq() != null) {
				events.add(element);
				continue;
			}
			// a run of events is accepted in one transaction, before the frame that ends
			// it
			acceptRun(session, events, replies);
			if (frame == null) {
				if (badFrame(session, String.valueOf(element.problem()), replies)) {
					return;
				}
			}
			else if (frame instanceof ResumeFrame resume) {
				onResume(session, resume, replies);
			}
			else if (frame instanceof AckFrame ack) {
				this.hub.delivered(session.userId(), ack.ackSeq());
			}
			else if (frame instanceof MetaFrame meta) {
				onMeta(session, meta, replies);
			}
			else if (badFrame(session, "A client may not send '" + frame.type().wireName() + "' frames", replies)) {
				return;
			}
		}
		acceptRun(session, events, replies);
		replies.flush();
	}

	private void acceptRun(HubSession session, List<MessageElement> events, Replies replies) {
		if (events.isEmpty()) {
			return;
		}
		Accepted accepted = this.hub.accept(session.clientId(), session.userId(), List.copyOf(events));
		events.clear();
		replies.add(accepted);
	}

	private void onResume(HubSession session, ResumeFrame resume, Replies replies) {
		if (!resume.clientId().equals(session.clientId())) {
			badFrame(session, "resume names another client_id than the connection", replies);
			return;
		}
		// earlier replies first: the resume answer and live events follow them
		replies.flush();
		session.resume(() -> this.hub.resume(session.clientId(), session.userId(), resume.lastAckSeq()));
	}

	private void onMeta(HubSession session, MetaFrame meta, Replies replies) {
		if (MetaFrame.PING.equals(meta.event())) {
			replies.add(new MetaFrame(MetaFrame.PONG, this.hub.codec().toPayload(null)));
		}
		else if (MetaFrame.USER_UPDATE.equals(meta.event())) {
			String problem = this.hub.rooms().updateProfile(session, meta.payload());
			if (problem != null) {
				badFrame(session, "user.update rejected: " + problem, replies);
			}
		}
		else {
			ErrorFrame answer = this.hub.rooms().onMeta(session, meta);
			if (answer != null && ErrorFrame.INVALID_FRAME.equals(answer.code())) {
				badFrame(session, answer.message(), replies);
			}
			else if (answer != null) {
				// a refused join is no malformed frame: it does not count toward 4400
				replies.add(answer);
			}
		}
	}

	/**
	 * Answer a bad frame, closing the connection once it had too many.
	 * @param session the connection that sent it
	 * @param problem what is wrong with the frame, for the error frame
	 * @param replies the replies the error is added to
	 * @return whether the connection was closed
	 */
	private boolean badFrame(HubSession session, String problem, Replies replies) {
		int count = session.countBadFrame();
		replies.add(new ErrorFrame(ErrorFrame.INVALID_FRAME, problem, null));
		if (count >= this.hub.properties().getMaxBadFrames()) {
			replies.flush();
			logger.info("Closing " + session + " after " + count + " bad frames");
			session.close(CloseCodes.PROTOCOL_ERROR, "too many bad frames");
			return true;
		}
		return false;
	}

	/**
	 * What a message is answered with: replies in order, then one cumulative ack for its
	 * events, then the live push of what they fanned out (only after the ack is on its
	 * way).
	 */
	private final class Replies {

		private final HubSession session;

		private final List<Frame> frames = new ArrayList<>();

		private final List<Map<String, List<StreamEvent>>> deliveries = new ArrayList<>();

		private @Nullable Long ackSeq;

		Replies(HubSession session) {
			this.session = session;
		}

		void add(Frame frame) {
			this.frames.add(frame);
		}

		void add(Accepted accepted) {
			// rejections go before the ack: the client must dead-letter them, not count
			// them acked
			this.frames.addAll(accepted.errors());
			if (accepted.ackSeq() != null) {
				this.ackSeq = (this.ackSeq == null) ? accepted.ackSeq() : Math.max(this.ackSeq, accepted.ackSeq());
			}
			if (!accepted.deliveries().isEmpty()) {
				this.deliveries.add(accepted.deliveries());
			}
		}

		void flush() {
			if (this.ackSeq != null) {
				this.frames.add(new AckFrame(this.ackSeq));
				this.ackSeq = null;
			}
			this.session.send(this.frames);
			this.frames.clear();
			for (Map<String, List<StreamEvent>> delivery : this.deliveries) {
				HubProtocol.this.hub.metrics().eventsDelivered(HubProtocol.this.hub.bus().deliver(delivery));
			}
			this.deliveries.clear();
		}

	}

}

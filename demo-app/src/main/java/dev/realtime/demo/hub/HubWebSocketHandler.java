package dev.realtime.demo.hub;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;

import dev.realtime.demo.hub.DefaultHub.Accepted;
import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.MessageElement;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;

/**
 * The protocol on one connection: decodes each text message, processes its frames in
 * order and answers. Events are committed before they are acked (one cumulative ack per
 * message) and pushed live only after the ack went out. A bad frame gets an
 * {@code error}; too many close the connection with 4400, a flood of messages closes it
 * with 4008, but nothing a client sends crashes the session.
 */
final class HubWebSocketHandler extends TextWebSocketHandler {

	/** Session attribute holding the {@link HubSession}. */
	static final String SESSION_ATTRIBUTE = HubSession.class.getName();

	private static final Log logger = LogFactory.getLog(HubWebSocketHandler.class);

	private final DefaultHub hub;

	private final HubSessionExpiry expiry;

	HubWebSocketHandler(DefaultHub hub, HubSessionExpiry expiry) {
		this.hub = hub;
		this.expiry = expiry;
	}

	@Override
	public void afterConnectionEstablished(WebSocketSession session) {
		Map<String, Object> attributes = session.getAttributes();
		// put by HubHandshakeInterceptor, which refuses a handshake without them
		String userId = (String) Objects.requireNonNull(attributes.get(HubHandshakeInterceptor.USER_ID),
				"no user id in the session's attributes");
		String clientId = (String) Objects.requireNonNull(attributes.get(HubHandshakeInterceptor.CLIENT_ID),
				"no client id in the session's attributes");
		HubProperties properties = this.hub.properties();
		// several threads send to a session (its own replies, other users' fan-out)
		WebSocketSession concurrent = new ConcurrentWebSocketSessionDecorator(session,
				(int) properties.getSendTimeLimit().toMillis(), (int) properties.getSendBufferLimit().toBytes());
		HubProperties.RateLimit rateLimit = properties.getRateLimit();
		HubRateLimiter rateLimiter = rateLimit.isEnabled()
				? new HubRateLimiter(rateLimit.getMessagesPerSecond(), rateLimit.getBurst(), System::nanoTime) : null;
		HubSession hubSession = new HubSession(concurrent, userId, clientId, this.hub.codec(),
				(int) properties.getMaxFrameSize().toBytes(), rateLimiter);
		attributes.put(SESSION_ATTRIBUTE, hubSession);
		this.hub.sessions().add(hubSession);
		Instant tokenValidUntil = (Instant) attributes.get(HubHandshakeInterceptor.TOKEN_VALID_UNTIL);
		if (tokenValidUntil != null) {
			this.expiry.watch(hubSession, tokenValidUntil);
		}
		logger.debug("Connected " + hubSession);
	}

	@Override
	protected void handleTextMessage(WebSocketSession session, TextMessage message) {
		HubSession hubSession = (HubSession) session.getAttributes().get(SESSION_ATTRIBUTE);
		if (hubSession == null || !hubSession.isOpen()) {
			return;
		}
		if (!hubSession.withinRateLimit()) {
			// nothing of the message is processed: the client resends what was not acked
			logger.warn("Closing " + hubSession + " with " + CloseCodes.RATE_LIMITED + ": it sent more than "
					+ this.hub.properties().getRateLimit().getMessagesPerSecond() + " messages per second");
			hubSession.close(new CloseStatus(CloseCodes.RATE_LIMITED, "rate limited"));
			return;
		}
		try {
			process(hubSession, this.hub.codec().decodeElements(message.getPayload()));
		}
		catch (RuntimeException ex) {
			// the store failed: nothing was acked, the client resends after reconnecting
			logger.error("Processing a message of " + hubSession + " failed; closing the session", ex);
			hubSession.close(CloseStatus.SERVER_ERROR.withReason("hub error"));
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
			this.hub.rooms().onMeta(session, meta);
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
			session.close(new CloseStatus(CloseCodes.PROTOCOL_ERROR, "too many bad frames"));
			return true;
		}
		return false;
	}

	@Override
	public void handleTransportError(WebSocketSession session, Throwable exception) {
		logger.debug("Transport error on session " + session.getId(), exception);
	}

	@Override
	public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
		HubSession hubSession = (HubSession) session.getAttributes().get(SESSION_ATTRIBUTE);
		if (hubSession != null) {
			logger.debug("Disconnected " + hubSession + " (" + status + ")");
			hubSession.closed();
			if (this.hub.sessions().remove(hubSession)) {
				this.hub.rooms().disconnected(hubSession.userId());
			}
		}
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
				HubWebSocketHandler.this.hub.sessions().deliver(delivery);
			}
			this.deliveries.clear();
		}

	}

}

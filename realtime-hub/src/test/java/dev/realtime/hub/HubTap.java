package dev.realtime.hub;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;
import org.springframework.web.socket.handler.WebSocketSessionDecorator;

import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ProtocolException;
import dev.realtime.protocol.TextMessageJoiner;

/**
 * Sits between the network and the real hub's handler in a test: measures each text
 * message a client sends, records pings, pongs and close codes per user, and can hold
 * events back from the hub, as a hub that withholds acks would. {@code @Import} it into a
 * context that runs the hub: the hub wraps its handler in it, as in every
 * {@link WebSocketHandlerDecoratorFactory} bean.
 * <p>
 * A connection that held back one event holds back every later event too, so the hub
 * never sees a gap in its seqs; the test closes that connection to let the client resend.
 */
public final class HubTap implements WebSocketHandlerDecoratorFactory {

	private final FrameCodec codec = new FrameCodec();

	private final Map<String, Traffic> traffic = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> heldUsers = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> heldKeys = new ConcurrentHashMap<>();

	private final Map<String, AtomicInteger> keySightings = new ConcurrentHashMap<>();

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new Tapped(handler);
	}

	/**
	 * Return what a user's connections sent and received so far.
	 * @param userId the user
	 * @return the user's traffic
	 */
	public Traffic traffic(String userId) {
		return this.traffic.computeIfAbsent(userId, (id) -> new Traffic());
	}

	/**
	 * Let a number of a user's events through to the hub, then keep every further one
	 * from it until {@link #releaseEvents(String)}.
	 * @param userId the user
	 * @param allowance how many events pass first
	 */
	public void holdEvents(String userId, int allowance) {
		this.heldUsers.put(userId, new AtomicInteger(allowance));
	}

	/**
	 * Let a user's events through again on connections opened from now on.
	 * @param userId the user
	 */
	public void releaseEvents(String userId) {
		this.heldUsers.remove(userId);
	}

	/**
	 * Keep the event with this idempotency key (and what follows it on its connection)
	 * from the hub the next times it arrives; it passes once it arrived that many times.
	 * @param key the idempotency key
	 * @param times how many arrivals are held
	 */
	public void holdKey(String key, int times) {
		this.heldKeys.put(key, new AtomicInteger(times));
	}

	/**
	 * Return how many times an event with this key arrived and was held.
	 * @param key the idempotency key
	 * @return the count
	 */
	public int heldCount(String key) {
		AtomicInteger count = this.keySightings.get(key);
		return (count != null) ? count.get() : 0;
	}

	/**
	 * What a user's connections did, as seen by the hub.
	 */
	public static final class Traffic {

		private final Queue<Integer> messageBytes = new ConcurrentLinkedQueue<>();

		private final Queue<Instant> pings = new ConcurrentLinkedQueue<>();

		private final Queue<Instant> pongs = new ConcurrentLinkedQueue<>();

		private final Queue<Integer> closeCodes = new ConcurrentLinkedQueue<>();

		private final AtomicInteger opened = new AtomicInteger();

		/**
		 * Return the size in UTF-8 bytes of each text message received, in arrival order.
		 * @return the sizes
		 */
		public List<Integer> messageBytes() {
			return List.copyOf(this.messageBytes);
		}

		public List<Instant> pings() {
			return List.copyOf(this.pings);
		}

		public List<Instant> pongs() {
			return List.copyOf(this.pongs);
		}

		/**
		 * Return the close code of each connection that closed, in order.
		 * @return the codes
		 */
		public List<Integer> closeCodes() {
			return List.copyOf(this.closeCodes);
		}

		public int connectionsOpened() {
			return this.opened.get();
		}

	}

	private final class Tapped extends WebSocketHandlerDecorator {

		private final Map<String, TappedSession> sessions = new ConcurrentHashMap<>();

		Tapped(WebSocketHandler delegate) {
			super(delegate);
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			String userId = ((HubHandshake.Accepted) session.getAttributes().get(HubHandshakeInterceptor.ACCEPTED))
				.userId();
			TappedSession tapped = new TappedSession(session, traffic(userId), userId);
			this.sessions.put(session.getId(), tapped);
			tapped.traffic.opened.incrementAndGet();
			super.afterConnectionEstablished(tapped);
		}

		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
			TappedSession tapped = this.sessions.get(session.getId());
			if (tapped == null || !(message instanceof TextMessage text)) {
				super.handleMessage(session, message);
				return;
			}
			String payload = tapped.parts.add(text.getPayload(), text.isLast());
			if (payload == null) {
				// a part of a longer message: the tap measures and holds the whole one
				return;
			}
			TextMessage whole = new TextMessage(payload);
			tapped.traffic.messageBytes.add(payload.getBytes(StandardCharsets.UTF_8).length);
			List<ProtocolException> problems = new ArrayList<>();
			List<Frame> frames = HubTap.this.codec.decode(payload, problems::add);
			if (!problems.isEmpty()) {
				super.handleMessage(tapped, whole);
				return;
			}
			List<Frame> passed = new ArrayList<>(frames.size());
			for (Frame frame : frames) {
				if (frame instanceof MetaFrame meta && MetaFrame.PING.equals(meta.event())) {
					tapped.traffic.pings.add(Instant.now());
				}
				if (frame instanceof EventFrame event && holds(tapped, event)) {
					continue;
				}
				passed.add(frame);
			}
			if (passed.size() == frames.size()) {
				super.handleMessage(tapped, whole);
			}
			else if (!passed.isEmpty()) {
				super.handleMessage(tapped, new TextMessage(HubTap.this.codec.encodeAll(passed)));
			}
		}

		private boolean holds(TappedSession session, EventFrame event) {
			if (session.holding) {
				return true;
			}
			String key = event.idempotencyKey();
			AtomicInteger keyHolds = (key != null) ? HubTap.this.heldKeys.get(key) : null;
			if (keyHolds != null && keyHolds.getAndDecrement() > 0) {
				HubTap.this.keySightings.computeIfAbsent(key, (k) -> new AtomicInteger()).incrementAndGet();
				session.holding = true;
			}
			AtomicInteger allowance = HubTap.this.heldUsers.get(session.userId);
			if (allowance != null && allowance.getAndDecrement() <= 0) {
				session.holding = true;
			}
			return session.holding;
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
			TappedSession tapped = this.sessions.remove(session.getId());
			if (tapped != null) {
				tapped.traffic.closeCodes.add(closeStatus.getCode());
			}
			super.afterConnectionClosed((tapped != null) ? tapped : session, closeStatus);
		}

	}

	/**
	 * A session whose outgoing messages are looked at for pongs.
	 */
	private final class TappedSession extends WebSocketSessionDecorator {

		private final Traffic traffic;

		private final String userId;

		/** Only touched by the container's thread reading this connection. */
		private boolean holding;

		/**
		 * Joins the parts of a long message (the hub takes messages in parts); the hub's
		 * handler holds the joined message to the frame limit.
		 */
		private final TextMessageJoiner parts = new TextMessageJoiner(Long.MAX_VALUE);

		TappedSession(WebSocketSession delegate, Traffic traffic, String userId) {
			super(delegate);
			this.traffic = traffic;
			this.userId = userId;
		}

		@Override
		public void sendMessage(WebSocketMessage<?> message) throws IOException {
			if (message instanceof TextMessage text && text.getPayload().contains(MetaFrame.PONG)) {
				for (Frame frame : HubTap.this.codec.decode(text.getPayload(), (ex) -> {
				})) {
					if (frame instanceof MetaFrame meta && MetaFrame.PONG.equals(meta.event())) {
						this.traffic.pongs.add(Instant.now());
					}
				}
			}
			super.sendMessage(message);
		}

	}

}

package dev.realtime.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.WebSocketMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.WebSocketHandlerDecorator;
import org.springframework.web.socket.handler.WebSocketHandlerDecoratorFactory;
import org.springframework.web.util.UriComponentsBuilder;

import dev.realtime.protocol.CloseCodes;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.ProtocolException;
import dev.realtime.protocol.TextMessageJoiner;

/**
 * Sits between the network and the embedded hub's WebSocket handler, as a decorator the
 * hub applies to it (the hub's hook for {@link WebSocketHandlerDecoratorFactory} beans,
 * in the hub's own context): records every outbound event that arrives, resends included,
 * and applies the faults of the frames' path (drop the connection with the message that
 * carries every Nth event, delay or withhold acks by delaying or holding events back,
 * reject an event with an error code). A connection that held back one event holds back
 * every later one too, so the hub never sees a gap it would ack past.
 */
final class FaultTap implements WebSocketHandlerDecoratorFactory {

	private static final Log logger = LogFactory.getLog(FaultTap.class);

	private final FrameCodec codec = new FrameCodec();

	private final HubFaults faults;

	private final HubRecorder recorder;

	private final ScheduledExecutorService delays;

	FaultTap(HubFaults faults, HubRecorder recorder, ScheduledExecutorService delays) {
		this.faults = faults;
		this.recorder = recorder;
		this.delays = delays;
	}

	@Override
	public WebSocketHandler decorate(WebSocketHandler handler) {
		return new Tapped(handler);
	}

	private final class Tapped extends WebSocketHandlerDecorator {

		private final Map<String, Connection> connections = new ConcurrentHashMap<>();

		Tapped(WebSocketHandler delegate) {
			super(delegate);
		}

		@Override
		public void afterConnectionEstablished(WebSocketSession session) throws Exception {
			Map<String, String> query = (session.getUri() != null)
					? UriComponentsBuilder.fromUri(session.getUri()).build().getQueryParams().toSingleValueMap()
					: Map.of();
			Connection connection = new Connection(String.valueOf(query.get("user_id")),
					String.valueOf(query.get("client_id")));
			this.connections.put(session.getId(), connection);
			FaultTap.this.recorder.opened(connection.userId, connection.clientId);
			super.afterConnectionEstablished(session);
		}

		@Override
		public void handleMessage(WebSocketSession session, WebSocketMessage<?> message) throws Exception {
			Connection connection = this.connections.get(session.getId());
			if (connection == null || !(message instanceof TextMessage text)) {
				super.handleMessage(session, message);
				return;
			}
			String payload = connection.parts.add(text.getPayload(), text.isLast());
			if (payload == null) {
				// a part of a longer message: the faults act on the whole one
				return;
			}
			TextMessage whole = new TextMessage(payload);
			List<ProtocolException> problems = new ArrayList<>();
			List<Frame> frames = FaultTap.this.codec.decode(payload, problems::add);
			if (!problems.isEmpty()) {
				// the hub answers malformed input itself
				super.handleMessage(session, whole);
				return;
			}
			List<Frame> passed = new ArrayList<>(frames.size());
			List<ErrorFrame> rejected = new ArrayList<>();
			boolean drop = false;
			for (Frame frame : frames) {
				if (frame instanceof EventFrame event && event.seq() != null) {
					FaultTap.this.recorder.arrived(connection.clientId, event.seq());
					if (FaultTap.this.faults.countEventAndDrop()) {
						// the Nth event and what follows it are lost with the connection
						drop = true;
						break;
					}
					String code = (event.idempotencyKey() != null)
							? FaultTap.this.faults.rejections.get(event.idempotencyKey()) : null;
					connection.holding |= FaultTap.this.faults.withholdAcks;
					if (connection.holding) {
						continue;
					}
					if (code != null) {
						rejected.add(new ErrorFrame(code, "rejected by the test", event.seq()));
						continue;
					}
				}
				passed.add(frame);
			}
			forward(session, frames, passed, whole, rejected);
			if (drop) {
				logger.debug("Dropping " + session + " as the test asked");
				session.close(new CloseStatus(CloseCodes.GOING_AWAY, "dropped by the test"));
			}
		}

		private void forward(WebSocketSession session, List<Frame> frames, List<Frame> passed,
				WebSocketMessage<?> message, List<ErrorFrame> rejected) throws Exception {
			for (ErrorFrame error : rejected) {
				session.sendMessage(new TextMessage(FaultTap.this.codec.encode(error)));
			}
			if (passed.isEmpty()) {
				return;
			}
			WebSocketMessage<?> forwarded = (passed.size() == frames.size()) ? message
					: new TextMessage(FaultTap.this.codec.encodeAll(passed));
			Duration delay = FaultTap.this.faults.ackDelay;
			if (delay == null) {
				super.handleMessage(session, forwarded);
				return;
			}
			// one thread and one delay: messages keep their order
			FaultTap.this.delays.schedule(() -> deliverLater(session, forwarded), delay.toMillis(),
					TimeUnit.MILLISECONDS);
		}

		private void deliverLater(WebSocketSession session, WebSocketMessage<?> message) {
			try {
				if (session.isOpen()) {
					super.handleMessage(session, message);
				}
			}
			catch (Exception ex) {
				logger.debug("Delayed message of " + session + " not handled: " + ex.getMessage());
			}
		}

		@Override
		public void afterConnectionClosed(WebSocketSession session, CloseStatus closeStatus) throws Exception {
			Connection connection = this.connections.remove(session.getId());
			if (connection != null) {
				FaultTap.this.recorder.closed(connection.userId, closeStatus.getCode());
			}
			super.afterConnectionClosed(session, closeStatus);
		}

	}

	private static final class Connection {

		private final String userId;

		private final String clientId;

		/** Only touched by the container's thread reading this connection. */
		private boolean holding;

		/**
		 * Joins the parts of a long message (the hub takes messages in parts); the hub's
		 * handler holds the joined message to the frame limit.
		 */
		private final TextMessageJoiner parts = new TextMessageJoiner(Long.MAX_VALUE);

		Connection(@Nullable String userId, @Nullable String clientId) {
			this.userId = String.valueOf(userId);
			this.clientId = String.valueOf(clientId);
		}

	}

}

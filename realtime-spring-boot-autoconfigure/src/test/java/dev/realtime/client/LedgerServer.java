package dev.realtime.client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongUnaryOperator;

import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.CloseReason;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.websocket.server.WsSci;
import org.jspecify.annotations.Nullable;

import dev.realtime.protocol.AckFrame;
import dev.realtime.protocol.ErrorFrame;
import dev.realtime.protocol.EventFrame;
import dev.realtime.protocol.Frame;
import dev.realtime.protocol.FrameCodec;
import dev.realtime.protocol.MetaFrame;
import dev.realtime.protocol.ResumeFrame;
import dev.realtime.protocol.ResumeResponseFrame;

/**
 * A small server of its own that speaks the protocol's outbound side as PROTOCOL.md tells
 * a server to, on a bare Tomcat WebSocket endpoint (neither the reference hub nor the
 * tests' {@code TestHub}): it keeps which idempotency key each seq stood for, accepts a
 * key once, acks a resent seq with its key as a duplicate, rejects a seq it accepted that
 * comes again with another key ({@code seq_conflict}) and records it, and answers
 * {@code resume} with the highest seq accepted. It can be told to lie about its acks and
 * to drop connections.
 */
final class LedgerServer implements AutoCloseable {

	private final FrameCodec codec = new FrameCodec();

	private final Tomcat tomcat = new Tomcat();

	private final List<Session> sessions = new CopyOnWriteArrayList<>();

	private final List<Integer> closeCodes = new CopyOnWriteArrayList<>();

	// guarded by this

	private final Map<Long, String> keyBySeq = new HashMap<>();

	private final Set<String> keys = new LinkedHashSet<>();

	private final List<String> conflicts = new ArrayList<>();

	private long accepted;

	private long acceptedSinceDrop;

	private int handshakes;

	private boolean acking = true;

	// knobs

	private volatile LongUnaryOperator resumeAck = LongUnaryOperator.identity();

	private volatile @Nullable Long liveAckAfterResume;

	private volatile int dropEvery;

	LedgerServer() throws IOException, LifecycleException {
		this.tomcat.setBaseDir(Files.createTempDirectory("ledger-server").toString());
		this.tomcat.setPort(0);
		this.tomcat.getConnector();
		org.apache.catalina.Context context = this.tomcat.addContext("", null);
		context.addServletContainerInitializer(new WsSci(), null);
		// the WebSocket filter runs only for requests some servlet is mapped to
		Tomcat.addServlet(context, "none", new HttpServlet() {
		});
		context.addServletMappingDecoded("/", "none");
		context.addServletContainerInitializer((classes, servletContext) -> {
			ServerContainer container = (ServerContainer) servletContext.getAttribute(ServerContainer.class.getName());
			try {
				container.addEndpoint(ServerEndpointConfig.Builder.create(Endpoint.class, "/realtime")
					.configurator(new ServerEndpointConfig.Configurator() {

						@Override
						public <T> T getEndpointInstance(Class<T> endpointClass) {
							return endpointClass.cast(new LedgerEndpoint());
						}

					})
					.build());
			}
			catch (DeploymentException ex) {
				throw new IllegalStateException(ex);
			}
		}, null);
		this.tomcat.start();
	}

	URI uri() {
		return URI.create("ws://localhost:" + this.tomcat.getConnector().getLocalPort() + "/realtime");
	}

	/**
	 * Answer every resume with this {@code ack_seq} instead of the highest accepted.
	 * @param ackSeq turns the honest ack into the one sent
	 */
	void lieInResumes(LongUnaryOperator ackSeq) {
		this.resumeAck = ackSeq;
	}

	/**
	 * Send a live {@code ack} with this seq right after every resume answer.
	 * @param ackSeq the seq, or {@code null} for none
	 */
	void ackAfterEachResume(@Nullable Long ackSeq) {
		this.liveAckAfterResume = ackSeq;
	}

	/**
	 * Close the connection (1001) once this many new events were accepted since the last
	 * drop, before acking the frame that brought the last of them.
	 * @param events the number of events, 0 for never
	 */
	void dropEvery(int events) {
		this.dropEvery = events;
	}

	synchronized void acking(boolean acking) {
		this.acking = acking;
	}

	/**
	 * Return the idempotency keys accepted, each once, in the order accepted.
	 * @return the keys
	 */
	synchronized List<String> acceptedKeys() {
		return List.copyOf(this.keys);
	}

	/**
	 * Return the seqs that arrived again with another key than the one accepted.
	 * @return each as {@code seq: accepted key / new key}
	 */
	synchronized List<String> conflicts() {
		return List.copyOf(this.conflicts);
	}

	synchronized long acceptedSeq() {
		return this.accepted;
	}

	synchronized int handshakes() {
		return this.handshakes;
	}

	/**
	 * Return the close codes of the connections the client closed.
	 * @return the codes, in order
	 */
	List<Integer> closeCodes() {
		return List.copyOf(this.closeCodes);
	}

	/**
	 * Close every open connection with 1001, as a hub restart does.
	 */
	void dropAll() {
		this.sessions.forEach(LedgerServer::close);
	}

	/**
	 * Take a seq as accepted with a key, as if an earlier client with the same
	 * {@code client_id} had sent it.
	 * @param seq the seq
	 * @param key its idempotency key
	 */
	synchronized void accepted(long seq, String key) {
		this.keyBySeq.put(seq, key);
		this.keys.add(key);
		this.accepted = Math.max(this.accepted, seq);
	}

	/**
	 * Send text on every open connection.
	 * @param text the message
	 */
	void sendToAll(String text) {
		for (Session session : this.sessions) {
			send(session, text);
		}
	}

	private synchronized void handle(Session session, String text) {
		boolean events = false;
		for (Frame frame : this.codec.decode(text, (problem) -> {
		})) {
			if (frame instanceof EventFrame event && event.seq() != null) {
				events = true;
				accept(session, event.seq(), String.valueOf(event.idempotencyKey()));
			}
			else if (frame instanceof ResumeFrame resume) {
				send(session, this.codec.encode(new ResumeResponseFrame(this.resumeAck.applyAsLong(this.accepted),
						List.of(), false, false, resume.lastAckSeq())));
				Long live = this.liveAckAfterResume;
				if (live != null) {
					send(session, this.codec.encode(new AckFrame(live)));
				}
			}
			else if (frame instanceof MetaFrame meta && MetaFrame.PING.equals(meta.event())) {
				send(session, this.codec.encode(new MetaFrame(MetaFrame.PONG, this.codec.toPayload(null))));
			}
		}
		int drop = this.dropEvery;
		if (drop > 0 && this.acceptedSinceDrop >= drop) {
			this.acceptedSinceDrop = 0;
			close(session);
			return;
		}
		if (events && this.acking) {
			send(session, this.codec.encode(new AckFrame(this.accepted)));
		}
	}

	/**
	 * What PROTOCOL.md asks of a server for an event: a seq accepted before is a
	 * duplicate with the same key and a conflict with another; a key accepted before is a
	 * duplicate whatever its seq; the accepted seq moves past every seq seen.
	 */
	private void accept(Session session, long seq, String key) {
		String known = this.keyBySeq.putIfAbsent(seq, key);
		if (known != null && !known.equals(key)) {
			this.conflicts.add(seq + ": " + known + " / " + key);
			send(session, this.codec.encode(
					new ErrorFrame("seq_conflict", "seq " + seq + " was accepted with another idempotency key", seq)));
			return;
		}
		// a key already accepted, under this seq or another, is a duplicate: acked only
		if (this.keys.add(key)) {
			this.acceptedSinceDrop++;
		}
		this.accepted = Math.max(this.accepted, seq);
	}

	private void send(Session session, String text) {
		synchronized (session) {
			if (!session.isOpen()) {
				return;
			}
			try {
				session.getBasicRemote().sendText(text);
			}
			catch (IOException | IllegalStateException ex) {
				// gone: the client reconnects and resumes
			}
		}
	}

	private static void close(Session session) {
		try {
			session.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "drop"));
		}
		catch (IOException ex) {
			// gone already
		}
	}

	@Override
	public void close() throws LifecycleException {
		this.tomcat.stop();
		this.tomcat.destroy();
	}

	private final class LedgerEndpoint extends Endpoint {

		@Override
		public void onOpen(Session session, EndpointConfig config) {
			session.setMaxTextMessageBufferSize(1 << 20);
			synchronized (LedgerServer.this) {
				LedgerServer.this.handshakes++;
			}
			LedgerServer.this.sessions.add(session);
			session.addMessageHandler(String.class, (text) -> handle(session, text));
		}

		@Override
		public void onClose(Session session, CloseReason reason) {
			LedgerServer.this.sessions.remove(session);
			LedgerServer.this.closeCodes.add(reason.getCloseCode().getCode());
		}

	}

}

package dev.realtime.hub;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.context.SmartLifecycle;

import dev.realtime.protocol.CloseCodes;

/**
 * This hub node's connections as operations see them: how many are open, whether the node
 * accepts work, and its graceful shutdown. When the application context closes, before
 * the web server and the Socket.IO server stop, every connection of every transport
 * (WebSocket, SockJS, Socket.IO) is closed with {@value CloseCodes#GOING_AWAY} "going
 * away": clients reconnect, to another node behind a load balancer, and resume from their
 * cursor, so nothing is lost. Everything a client sent was acked only once committed;
 * what was not acked it sends again.
 */
public final class HubNode implements SmartLifecycle {

	/**
	 * The phase the node stops in: before the Socket.IO server
	 * ({@code HubSocketIoServer}, one lower) and the web server, whose lifecycles stop
	 * later.
	 */
	static final int PHASE = SmartLifecycle.DEFAULT_PHASE;

	/**
	 * How long a stop waits for the closed connections to go: a Socket.IO client gets two
	 * seconds to leave before it is cut off.
	 */
	private static final Duration DRAIN_TIME = Duration.ofSeconds(5);

	private static final Log logger = LogFactory.getLog(HubNode.class);

	private final HubSessionRegistry sessions;

	private final String id;

	private volatile boolean running;

	HubNode(HubSessionRegistry sessions, String id) {
		this.sessions = sessions;
		this.id = id;
	}

	/**
	 * Return this node's id ({@code realtime.hub.node-id}, random by default).
	 * @return the node id
	 */
	public String id() {
		return this.id;
	}

	/**
	 * Return how many connections of any transport are open on this node.
	 * @return the number of open sessions
	 */
	public int openSessions() {
		return this.sessions.count();
	}

	/**
	 * Return how many users have at least one open connection on this node.
	 * @return the number of connected users
	 */
	public int connectedUsers() {
		return this.sessions.connectedUsers().size();
	}

	/**
	 * Return whether the node accepts work: from the start of the application context
	 * until its shutdown began.
	 * @return whether the node is accepting
	 */
	public boolean isAccepting() {
		return this.running;
	}

	@Override
	public void start() {
		this.running = true;
	}

	/**
	 * Close every connection with {@value CloseCodes#GOING_AWAY} and wait, at most
	 * {@link #DRAIN_TIME}, for them to be gone.
	 */
	@Override
	public void stop() {
		this.running = false;
		this.sessions.stopAccepting();
		int closed = this.sessions.closeAll(CloseCodes.GOING_AWAY, "going away");
		if (closed == 0) {
			return;
		}
		logger.info("Hub shutting down: closed " + closed + " connections with " + CloseCodes.GOING_AWAY
				+ "; their clients reconnect and resume");
		long deadline = System.nanoTime() + DRAIN_TIME.toNanos();
		while (this.sessions.count() > 0 && System.nanoTime() < deadline) {
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}

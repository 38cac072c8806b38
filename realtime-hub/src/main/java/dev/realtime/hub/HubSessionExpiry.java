package dev.realtime.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.realtime.protocol.CloseCodes;

/**
 * Closes a session with 4001 once the hub stops accepting the token it was opened with:
 * the handshake is the only place a token is checked, so without this a session would
 * outlive its token. The client refreshes its token and reconnects at once. One timer per
 * session, on a thread of its own.
 */
final class HubSessionExpiry implements AutoCloseable {

	private static final Log logger = LogFactory.getLog(HubSessionExpiry.class);

	private final Clock clock;

	private final ScheduledThreadPoolExecutor executor;

	HubSessionExpiry(Clock clock) {
		this.clock = clock;
		this.executor = new ScheduledThreadPoolExecutor(1, (task) -> {
			Thread thread = new Thread(task, "hub-session-expiry");
			thread.setDaemon(true);
			return thread;
		});
		// sessions usually close before their token expires: drop their timers then
		this.executor.setRemoveOnCancelPolicy(true);
	}

	/**
	 * Close a session with 4001 when its token is no longer valid.
	 * @param session the new session
	 * @param validUntil when the hub stops accepting its token
	 */
	void watch(HubSession session, Instant validUntil) {
		long delay = Math.max(0, Duration.between(this.clock.instant(), validUntil).toMillis());
		session.expireWith(this.executor.schedule(() -> expire(session), delay, TimeUnit.MILLISECONDS));
	}

	private void expire(HubSession session) {
		if (session.isOpen()) {
			logger.debug("Token of " + session + " expired; closing with " + CloseCodes.TOKEN_EXPIRED);
			session.close(CloseCodes.TOKEN_EXPIRED, "token expired");
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
	}

}

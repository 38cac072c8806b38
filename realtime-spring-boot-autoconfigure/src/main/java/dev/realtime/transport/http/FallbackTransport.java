package dev.realtime.transport.http;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;

/**
 * WebSocket first, HTTP when the upgrade is refused: connects with the preferred
 * transport and, when that fails or takes longer than its share of the connect timeout,
 * with the fallback transport in the same connect. A refused token (HTTP 401 or 403 from
 * the hub) is no reason to fall back: it is reported as it is, so the client refreshes
 * its token.
 * <p>
 * While it is on the fallback transport it probes the preferred one again, after
 * {@code probeBackoff}'s delays (growing with each failed probe): a probe is a handshake
 * that is closed again at once. When a probe succeeds the fallback session is ended with
 * {@link Transport#RECONNECT_AT_ONCE}, the client reconnects at once, over the preferred
 * transport, and resumes: the hub's acks and the client's resume make sure nothing is
 * lost or duplicated by the move. Both moves are logged at INFO, naming both transports.
 * <p>
 * The client above sees a {@link Transport} like any other and never learns which one
 * carries its frames; each session names its own with
 * {@link TransportSession#transport()}.
 */
public final class FallbackTransport implements Transport, AutoCloseable {

	private static final Log logger = LogFactory.getLog(FallbackTransport.class);

	/** What a probe receives: a probe sends nothing and uses nothing. */
	private static final TransportListener IGNORED = new TransportListener() {

		@Override
		public void onText(String text) {
		}

		@Override
		public void onClosed(int code, String reason) {
		}

	};

	private final Transport preferred;

	private final String preferredName;

	private final Transport fallback;

	private final String fallbackName;

	private final Duration preferredTimeout;

	private final ExponentialBackoff probeBackoff;

	private final ScheduledExecutorService scheduler;

	private final Object lock = new Object();

	/** Whether connects go to the fallback transport (until the next probe is due). */
	private boolean fallenBack;

	private int failedProbes;

	private long nextProbeNanos;

	private @Nullable ScheduledFuture<?> probe;

	/**
	 * Create a transport.
	 * @param preferred the transport tried first (WebSocket)
	 * @param preferredName its name in logs, as its sessions name it
	 * @param fallback the transport used when the preferred one fails (HTTP)
	 * @param fallbackName its name in logs, as its sessions name it
	 * @param preferredTimeout how long a connect over the preferred transport may take
	 * before the fallback is tried; a share of the client's connect timeout, so that the
	 * fallback has time left
	 * @param probeBackoff the delays before probing the preferred transport again
	 * @param scheduler runs the probes
	 */
	public FallbackTransport(Transport preferred, String preferredName, Transport fallback, String fallbackName,
			Duration preferredTimeout, ExponentialBackoff probeBackoff, ScheduledExecutorService scheduler) {
		this.preferred = preferred;
		this.preferredName = preferredName;
		this.fallback = fallback;
		this.fallbackName = fallbackName;
		this.preferredTimeout = preferredTimeout;
		this.probeBackoff = probeBackoff;
		this.scheduler = scheduler;
	}

	@Override
	public CompletableFuture<TransportSession> connect(URI uri, Map<String, String> headers,
			TransportListener listener) {
		boolean tryPreferred;
		synchronized (this.lock) {
			tryPreferred = !this.fallenBack || System.nanoTime() - this.nextProbeNanos >= 0;
		}
		if (!tryPreferred) {
			return connectFallback(uri, headers, listener, null);
		}
		CompletableFuture<TransportSession> result = new CompletableFuture<>();
		// a session that opens too late is closed again: the client must not hear of it
		Gate gate = new Gate(listener);
		CompletableFuture<TransportSession> attempt = this.preferred.connect(uri, headers, gate);
		attempt.copy()
			.orTimeout(this.preferredTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((session, failure) -> {
				if (failure == null) {
					preferredWorks();
					gate.open = true;
					completeOrClose(result, session);
					return;
				}
				Throwable cause = Transport.unwrap(failure);
				if (cause instanceof HandshakeRejectedException rejected
						&& (rejected.getStatus() == 401 || rejected.getStatus() == 403)) {
					result.completeExceptionally(cause);
					return;
				}
				// a session that opens after the timeout is not used
				attempt.thenAccept((late) -> late.close(1000, "fallback"));
				connectFallback(uri, headers, listener, cause).whenComplete((fallbackSession, fallbackFailure) -> {
					if (fallbackFailure != null) {
						Throwable reported = Transport.unwrap(fallbackFailure);
						reported.addSuppressed(cause);
						result.completeExceptionally(reported);
					}
					else {
						completeOrClose(result, fallbackSession);
					}
				});
			});
		return result;
	}

	/**
	 * Stop probing, and close the transports that hold resources (a WebSocket transport's
	 * route through a configured proxy).
	 * @throws Exception if a transport fails to close
	 */
	@Override
	public void close() throws Exception {
		synchronized (this.lock) {
			cancelProbe();
		}
		if (this.preferred instanceof AutoCloseable closeable) {
			closeable.close();
		}
		if (this.fallback instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	private static void completeOrClose(CompletableFuture<TransportSession> result, TransportSession session) {
		if (!result.complete(session)) {
			// the client gave up on this connect meanwhile
			session.close(1000, "abandoned");
		}
	}

	private CompletableFuture<TransportSession> connectFallback(URI uri, Map<String, String> headers,
			TransportListener listener, @Nullable Throwable preferredFailure) {
		ProbingListener probing = new ProbingListener(listener);
		return this.fallback.connect(uri, headers, probing).thenApply((session) -> {
			probing.opened(session);
			fellBack(session, preferredFailure);
			scheduleProbe(uri, headers, probing);
			return session;
		});
	}

	private void preferredWorks() {
		synchronized (this.lock) {
			if (this.fallenBack) {
				logger.info("Realtime transport: " + this.preferredName + " works again, moved from "
						+ this.fallbackName + " back to " + this.preferredName);
			}
			this.fallenBack = false;
			this.failedProbes = 0;
			cancelProbe();
		}
	}

	private void fellBack(TransportSession session, @Nullable Throwable preferredFailure) {
		synchronized (this.lock) {
			if (!this.fallenBack) {
				logger.info("Realtime transport: " + this.preferredName + " failed (" + describe(preferredFailure)
						+ "), fell back to " + session.transport() + "; probing " + this.preferredName
						+ " again later");
				this.fallenBack = true;
				this.failedProbes = 0;
			}
			else if (preferredFailure != null) {
				// a reconnect tried the preferred transport as the due probe: it failed
				this.failedProbes++;
			}
			else {
				return;
			}
			this.nextProbeNanos = System.nanoTime() + nextProbeDelay().toNanos();
		}
	}

	private void scheduleProbe(URI uri, Map<String, String> headers, ProbingListener probing) {
		synchronized (this.lock) {
			cancelProbe();
			long delay = Math.max(0, this.nextProbeNanos - System.nanoTime());
			this.probe = this.scheduler.schedule(() -> probe(uri, headers, probing), delay, TimeUnit.NANOSECONDS);
		}
	}

	private void probe(URI uri, Map<String, String> headers, ProbingListener probing) {
		if (probing.isClosed()) {
			return;
		}
		CompletableFuture<TransportSession> attempt = this.preferred.connect(uri, headers, IGNORED);
		attempt.copy()
			.orTimeout(this.preferredTimeout.toMillis(), TimeUnit.MILLISECONDS)
			.whenComplete((session, failure) -> {
				// a probe is closed as soon as it opened, even after its timeout
				attempt.thenAccept((opened) -> opened.close(1000, "probe"));
				if (failure == null) {
					logger.info("Realtime transport: " + this.preferredName + " probe succeeded, leaving "
							+ this.fallbackName + " for " + this.preferredName);
					synchronized (this.lock) {
						// the next connect goes to the preferred transport
						this.nextProbeNanos = System.nanoTime();
					}
					probing.moveOn("moving to " + this.preferredName);
					return;
				}
				Duration delay;
				synchronized (this.lock) {
					this.failedProbes++;
					delay = nextProbeDelay();
					this.nextProbeNanos = System.nanoTime() + delay.toNanos();
				}
				logger.debug("Realtime transport: " + this.preferredName + " probe failed ("
						+ describe(Transport.unwrap(failure)) + "), next in " + delay.toMillis() + " ms");
				scheduleProbe(uri, headers, probing);
			});
	}

	private Duration nextProbeDelay() {
		return this.probeBackoff.delay(this.failedProbes + 1, () -> ThreadLocalRandom.current().nextDouble());
	}

	private void cancelProbe() {
		ScheduledFuture<?> current = this.probe;
		if (current != null) {
			current.cancel(false);
			this.probe = null;
		}
	}

	private static String describe(@Nullable Throwable failure) {
		if (failure == null) {
			return "unknown";
		}
		if (failure instanceof TimeoutException) {
			return "timed out";
		}
		return (failure.getMessage() != null) ? failure.getMessage() : failure.getClass().getSimpleName();
	}

	/**
	 * The client's listener on a session over the preferred transport, told nothing until
	 * the session is handed to the client.
	 */
	private static final class Gate implements Transport.TransportListener {

		private final Transport.TransportListener listener;

		private volatile boolean open;

		Gate(Transport.TransportListener listener) {
			this.listener = listener;
		}

		@Override
		public void onText(String text) {
			if (this.open) {
				this.listener.onText(text);
			}
		}

		@Override
		public void onClosed(int code, String reason) {
			if (this.open) {
				this.listener.onClosed(code, reason);
			}
		}

	}

	/**
	 * The client's listener on a fallback session, which the transport can end itself to
	 * move back to the preferred transport.
	 */
	private static final class ProbingListener implements Transport.TransportListener {

		private final Transport.TransportListener listener;

		private volatile @Nullable TransportSession session;

		private volatile boolean closed;

		ProbingListener(Transport.TransportListener listener) {
			this.listener = listener;
		}

		void opened(TransportSession session) {
			this.session = session;
		}

		boolean isClosed() {
			return this.closed;
		}

		void moveOn(String reason) {
			TransportSession current = this.session;
			if (this.closed || current == null) {
				return;
			}
			this.closed = true;
			current.close(1000, reason);
			this.listener.onClosed(Transport.RECONNECT_AT_ONCE, reason);
		}

		@Override
		public void onText(String text) {
			this.listener.onText(text);
		}

		@Override
		public void onClosed(int code, String reason) {
			if (!this.closed) {
				this.closed = true;
				this.listener.onClosed(code, reason);
			}
		}

	}

}

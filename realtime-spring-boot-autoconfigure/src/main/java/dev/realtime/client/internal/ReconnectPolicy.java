package dev.realtime.client.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import dev.realtime.auth.TokenUnavailableException;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.CloseCodes;

/**
 * Decides what follows a failed or lost connection: reconnect after a backoff delay,
 * reconnect at once with a refreshed token, or fail for good. It counts attempts and
 * rejected tokens and measures outages with the given clock; apart from logging it acts
 * on nothing, so every decision can be tested without a connection, a timer or the system
 * clock. Confined to the client's event loop.
 */
final class ReconnectPolicy {

	private static final Log logger = LogFactory.getLog(ReconnectPolicy.class);

	private final ClientSettings settings;

	private final Clock clock;

	private final DoubleSupplier random;

	private int attempt;

	private int authFailures;

	/**
	 * When the client last reconnected at once, or {@code null}: a hub that closes every
	 * connection right after its resume with a code that calls for that (an expired
	 * token, a transport's move) must not make the client reconnect as fast as the
	 * network goes.
	 */
	private @Nullable Instant reconnectedAtOnce;

	/**
	 * When the connection was lost, or {@code null} while there is no outage to report.
	 */
	private @Nullable Instant lossStarted;

	/**
	 * Create a policy.
	 * @param settings the reconnect, connect timeout and auth-failure settings
	 * @param clock measures outages
	 * @param random uniform values in {@code [0, 1)} for the backoff's jitter
	 */
	ReconnectPolicy(ClientSettings settings, Clock clock, DoubleSupplier random) {
		this.settings = settings;
		this.clock = clock;
		this.random = random;
	}

	/**
	 * The application asked to connect: count attempts and rejected tokens from zero, and
	 * forget the last reconnect at once.
	 */
	void restart() {
		this.attempt = 0;
		this.authFailures = 0;
		this.reconnectedAtOnce = null;
	}

	/**
	 * This instance took the user's lease: its first connection is no retry.
	 */
	void leaseTaken() {
		this.attempt = 0;
	}

	/**
	 * The token provider could not give a token.
	 * @param ex why
	 * @return the decision
	 */
	Decision tokenUnavailable(TokenUnavailableException ex) {
		if (ex.isPermanent()) {
			return new Decision.Fail("no token: " + ex.getMessage(), ex, false);
		}
		return failed("token unavailable: " + ex.getMessage());
	}

	/**
	 * The handshake failed, was refused or timed out.
	 * @param failure the failure of the transport's connect future
	 * @return the decision
	 */
	Decision handshakeFailed(Throwable failure) {
		Throwable cause = Transport.unwrap(failure);
		if (cause instanceof HandshakeRejectedException rejected) {
			int status = rejected.getStatus();
			if (status == 401) {
				return tokenRejected("hub refused the token at the handshake (HTTP 401)");
			}
			if (status == 403) {
				return new Decision.Fail("hub refused the handshake with HTTP 403 (forbidden)", rejected, false);
			}
			return failed("hub refused the handshake with HTTP " + status);
		}
		if (cause instanceof TimeoutException) {
			return failed("connect timed out after " + this.settings.connectTimeout().toMillis() + " ms");
		}
		return failed("connect failed: " + describe(cause));
	}

	/**
	 * The hub closed the connection while the client wanted it.
	 * @param code the close code
	 * @param reason the close reason
	 * @return the decision
	 */
	Decision closed(int code, String reason) {
		String description = describeClose(code, reason);
		return switch (code) {
			case CloseCodes.FORBIDDEN -> new Decision.Fail(description, null, false);
			case CloseCodes.TOKEN_EXPIRED -> tokenRejected(description);
			case Transport.RECONNECT_AT_ONCE -> retry("transport reconnects at once (" + reason + ")", true, false);
			case CloseCodes.PROTOCOL_ERROR -> {
				logger.warn("Hub reported a protocol error: " + reason);
				yield failed(description);
			}
			default -> failed(description);
		};
	}

	/**
	 * The connection failed or was lost for any other reason: back off and retry, unless
	 * the retries are used up.
	 * @param reason why
	 * @return the decision
	 */
	Decision failed(String reason) {
		return retry(reason, false, false);
	}

	/**
	 * The connection is resumed: the outage, if any, is over.
	 * @return how long the client was without a connection, or {@code null} if this is
	 * not a reconnect
	 */
	@Nullable Duration resumed() {
		this.authFailures = 0;
		this.attempt = 0;
		Instant started = this.lossStarted;
		if (started == null) {
			return null;
		}
		this.lossStarted = null;
		Duration outage = Duration.between(started, this.clock.instant());
		// the wall clock may have been set back meanwhile
		return outage.isNegative() ? Duration.ZERO : outage;
	}

	/**
	 * Describe a close by the hub.
	 * @param code the close code
	 * @param reason the close reason, possibly empty
	 * @return the description
	 */
	static String describeClose(int code, String reason) {
		return "closed by hub (" + code + ((reason.isEmpty()) ? "" : " " + reason) + ")";
	}

	/**
	 * Return the message of an exception, or its type when it has none.
	 * @param ex the exception
	 * @return the description
	 */
	static String describe(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	private Decision tokenRejected(String reason) {
		this.authFailures++;
		if (this.authFailures > this.settings.maxAuthFailures()) {
			return new Decision.Fail(reason + "; gave up after " + this.settings.maxAuthFailures()
					+ " refreshed tokens were rejected in a row (realtime.auth.max-failures)", null, true);
		}
		// the first rejection is an expired token: refresh and come back at once
		return retry(reason, this.authFailures == 1, true);
	}

	private Decision retry(String reason, boolean immediately, boolean tokenRejected) {
		this.attempt++;
		int maxRetries = this.settings.maxRetries();
		if (maxRetries >= 0 && this.attempt > maxRetries) {
			return new Decision.Fail(
					reason + "; gave up after " + maxRetries + " reconnect attempts (realtime.reconnect.max-retries)",
					null, tokenRejected);
		}
		Instant now = this.clock.instant();
		if (this.lossStarted == null) {
			this.lossStarted = now;
		}
		if (immediately && mayReconnectAtOnce(now)) {
			this.reconnectedAtOnce = now;
			return new Decision.Retry(reason, this.attempt, Duration.ZERO, tokenRejected);
		}
		return new Decision.Retry(reason, this.attempt, this.settings.backoff().delay(this.attempt, this.random),
				tokenRejected);
	}

	/**
	 * Return whether a reconnect at once is allowed now: at most one per initial backoff
	 * delay.
	 * @param now the current time
	 * @return whether the last reconnect at once is at least the initial delay ago
	 */
	private boolean mayReconnectAtOnce(Instant now) {
		Instant last = this.reconnectedAtOnce;
		return last == null || !now.isBefore(last.plus(this.settings.backoff().initialDelay()));
	}

	/**
	 * What the client does after a connection failed.
	 */
	sealed interface Decision {

		/**
		 * Return why the connection failed, as the state change and the last error tell
		 * it.
		 * @return the reason
		 */
		String reason();

		/**
		 * Return whether the hub rejected the connection's token, which the token
		 * provider must then not hand out again.
		 * @return whether the token was rejected
		 */
		boolean tokenRejected();

		/**
		 * Reconnect after a delay.
		 *
		 * @param reason why the connection failed
		 * @param attempt the number of the reconnect attempt, from 1
		 * @param delay the delay, zero to reconnect at once
		 * @param tokenRejected whether the hub rejected the token
		 */
		record Retry(String reason, int attempt, Duration delay, boolean tokenRejected) implements Decision {
		}

		/**
		 * Give up: the client fails and stays failed until the application connects
		 * again.
		 *
		 * @param reason why
		 * @param cause the exception behind it, if any
		 * @param tokenRejected whether the hub rejected the token
		 */
		record Fail(String reason, @Nullable Throwable cause, boolean tokenRejected) implements Decision {
		}

	}

}

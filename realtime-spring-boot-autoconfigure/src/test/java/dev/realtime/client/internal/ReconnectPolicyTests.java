package dev.realtime.client.internal;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;

import dev.realtime.auth.TokenUnavailableException;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ExponentialBackoff;
import dev.realtime.client.internal.ReconnectPolicy.Decision;
import dev.realtime.client.spi.HandshakeRejectedException;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.CloseCodes;
import dev.realtime.test.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReconnectPolicy}: every decision with a clock the test moves and a
 * fixed jitter, so delays and outages are exact.
 */
class ReconnectPolicyTests {

	private final MutableClock clock = new MutableClock();

	/** The default backoff (1 s doubling to 30 s, 20% jitter) at its midpoint. */
	private ReconnectPolicy policy = policy(ClientSettings.builder(URI.create("ws://hub/realtime"), "alice"));

	private ReconnectPolicy policy(ClientSettings.Builder settings) {
		return new ReconnectPolicy(settings.build(), this.clock, () -> 0.5);
	}

	private static CompletionException rejected(int status) {
		return new CompletionException(new HandshakeRejectedException(status, new IOException("refused")));
	}

	@Test
	void backsOffExponentiallyAndCountsAttempts() {
		assertThat(this.policy.failed("connect failed: refused"))
			.isEqualTo(new Decision.Retry("connect failed: refused", 1, Duration.ofSeconds(1), false));
		assertThat(this.policy.failed("again")).isEqualTo(new Decision.Retry("again", 2, Duration.ofSeconds(2), false));
		assertThat(this.policy.failed("again")).isEqualTo(new Decision.Retry("again", 3, Duration.ofSeconds(4), false));
	}

	@Test
	void resumeStartsTheCountAgain() {
		this.policy.failed("lost");
		this.policy.failed("lost");
		this.policy.resumed();
		assertThat(this.policy.failed("lost")).isEqualTo(new Decision.Retry("lost", 1, Duration.ofSeconds(1), false));
	}

	@Test
	void givesUpAfterMaxRetries() {
		this.policy = policy(ClientSettings.builder(URI.create("ws://hub/realtime"), "alice")
			.reconnect(new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2), 2));
		assertThat(this.policy.failed("down")).isInstanceOf(Decision.Retry.class);
		assertThat(this.policy.failed("down")).isInstanceOf(Decision.Retry.class);
		assertThat(this.policy.failed("down")).isEqualTo(new Decision.Fail(
				"down; gave up after 2 reconnect attempts (realtime.reconnect.max-retries)", null, false));
	}

	@Test
	void connectRequestStartsAttemptsAndAuthFailuresAgain() {
		this.policy.failed("down");
		this.policy.closed(CloseCodes.TOKEN_EXPIRED, "");
		this.policy.restart();
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, "expired"))
			.isEqualTo(new Decision.Retry("closed by hub (4001 expired)", 1, Duration.ZERO, true));
	}

	@Test
	void takingTheLeaseStartsAttemptsButNotAuthFailuresAgain() {
		this.policy.closed(CloseCodes.TOKEN_EXPIRED, "");
		this.policy.failed("down");
		this.policy.leaseTaken();
		// the second rejection in a row: not an expiry, so it backs off
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, ""))
			.isEqualTo(new Decision.Retry("closed by hub (4001)", 1, Duration.ofSeconds(1), true));
	}

	@Test
	void firstRejectedTokenReconnectsAtOnceThenBacksOffThenFails() {
		assertThat(this.policy.handshakeFailed(rejected(401)))
			.isEqualTo(new Decision.Retry("hub refused the token at the handshake (HTTP 401)", 1, Duration.ZERO, true));
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, "token expired"))
			.isEqualTo(new Decision.Retry("closed by hub (4001 token expired)", 2, Duration.ofSeconds(2), true));
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, "")).isInstanceOf(Decision.Retry.class);
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, ""))
			.isEqualTo(new Decision.Fail("closed by hub (4001); gave up after 3 refreshed tokens were rejected in a row"
					+ " (realtime.auth.max-failures)", null, true));
	}

	@Test
	void transportMovingToAnotherReconnectsAtOnceWithoutCountingATokenRejection() {
		this.policy.failed("down");
		assertThat(this.policy.closed(Transport.RECONNECT_AT_ONCE, "moving to websocket")).isEqualTo(
				new Decision.Retry("transport reconnects at once (moving to websocket)", 2, Duration.ZERO, false));
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.policy.closed(Transport.RECONNECT_AT_ONCE, "again")).isInstanceOf(Decision.Retry.class)
			.extracting("delay")
			.isEqualTo(Duration.ZERO);
	}

	@Test
	void reconnectsAtOnceAtMostOncePerInitialDelayWhenTheHubClosesEachConnectionAfterItsResume() {
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, "")).extracting("delay").isEqualTo(Duration.ZERO);
		this.policy.resumed();
		// within the initial delay (1 s) of the last reconnect at once: backs off
		this.clock.advance(Duration.ofMillis(999));
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, ""))
			.isEqualTo(new Decision.Retry("closed by hub (4001)", 1, Duration.ofSeconds(1), true));
		this.policy.resumed();
		assertThat(this.policy.closed(Transport.RECONNECT_AT_ONCE, "moving"))
			.isEqualTo(new Decision.Retry("transport reconnects at once (moving)", 1, Duration.ofSeconds(1), false));
		this.clock.advance(Duration.ofMillis(1));
		this.policy.resumed();
		assertThat(this.policy.closed(CloseCodes.TOKEN_EXPIRED, "")).extracting("delay").isEqualTo(Duration.ZERO);
	}

	@Test
	void forbiddenFailsAtOnce() {
		HandshakeRejectedException forbidden = new HandshakeRejectedException(403, new IOException("refused"));
		assertThat(this.policy.handshakeFailed(new CompletionException(forbidden)))
			.isEqualTo(new Decision.Fail("hub refused the handshake with HTTP 403 (forbidden)", forbidden, false));
		assertThat(this.policy.closed(CloseCodes.FORBIDDEN, "banned"))
			.isEqualTo(new Decision.Fail("closed by hub (4003 banned)", null, false));
	}

	@Test
	void otherHandshakeFailuresAndClosesBackOff() {
		assertThat(this.policy.handshakeFailed(rejected(503)))
			.isEqualTo(new Decision.Retry("hub refused the handshake with HTTP 503", 1, Duration.ofSeconds(1), false));
		assertThat(this.policy.handshakeFailed(new CompletionException(new TimeoutException())))
			.isEqualTo(new Decision.Retry("connect timed out after 10000 ms", 2, Duration.ofSeconds(2), false));
		assertThat(this.policy.handshakeFailed(new CompletionException(new java.net.ConnectException())))
			.isEqualTo(new Decision.Retry("connect failed: ConnectException", 3, Duration.ofSeconds(4), false));
		assertThat(this.policy.closed(CloseCodes.PROTOCOL_ERROR, "bad frame"))
			.isEqualTo(new Decision.Retry("closed by hub (4400 bad frame)", 4, Duration.ofSeconds(8), false));
		assertThat(this.policy.closed(CloseCodes.GOING_AWAY, "restart"))
			.isEqualTo(new Decision.Retry("closed by hub (1001 restart)", 5, Duration.ofSeconds(16), false));
	}

	@Test
	void tokenUnavailableFailsOnlyWhenPermanent() {
		assertThat(this.policy.tokenUnavailable(new TokenUnavailableException("issuer down", false)))
			.isEqualTo(new Decision.Retry("token unavailable: issuer down", 1, Duration.ofSeconds(1), false));
		TokenUnavailableException permanent = new TokenUnavailableException("bad credentials", true);
		assertThat(this.policy.tokenUnavailable(permanent))
			.isEqualTo(new Decision.Fail("no token: bad credentials", permanent, false));
	}

	@Test
	void measuresTheOutageFromTheFirstFailureToTheResume() {
		assertThat(this.policy.resumed()).as("first connection is no reconnect").isNull();
		this.clock.advance(Duration.ofSeconds(5));
		this.policy.failed("lost");
		this.clock.advance(Duration.ofSeconds(1));
		this.policy.failed("refused");
		this.clock.advance(Duration.ofMillis(2500));
		assertThat(this.policy.resumed()).isEqualTo(Duration.ofMillis(3500));
		assertThat(this.policy.resumed()).as("the outage was reported").isNull();
	}

	@Test
	void outageIsNeverNegativeWhenTheClockIsSetBack() {
		this.policy.failed("lost");
		this.clock.advance(Duration.ofSeconds(-10));
		assertThat(this.policy.resumed()).isEqualTo(Duration.ZERO);
	}

	@Test
	void givingUpStartsNoOutage() {
		this.policy = policy(ClientSettings.builder(URI.create("ws://hub/realtime"), "alice")
			.reconnect(new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2), 0));
		assertThat(this.policy.failed("down")).isInstanceOf(Decision.Fail.class);
		assertThat(this.policy.resumed()).isNull();
	}

}

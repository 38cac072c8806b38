package dev.realtime.hub;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HubRateLimiter} at the default limits, on a clock the test moves.
 */
class HubRateLimiterTests {

	private final HubProperties.RateLimit defaults = new HubProperties().getRateLimit();

	private final AtomicLong nanos = new AtomicLong(42);

	private final HubRateLimiter limiter = new HubRateLimiter(this.defaults.getMessagesPerSecond(),
			this.defaults.getBurst(), this.nanos::get);

	@Test
	void allowsTheBurstAtOnceThenRefusesUntilItRefills() {
		assertThat(acquire(this.defaults.getBurst())).isEqualTo(this.defaults.getBurst());
		assertThat(this.limiter.tryAcquire()).isFalse();
		this.nanos.addAndGet(1_000_000_000L / this.defaults.getMessagesPerSecond());
		assertThat(this.limiter.tryAcquire()).isTrue();
		assertThat(this.limiter.tryAcquire()).isFalse();
	}

	@Test
	void sustainsTheConfiguredRateButNotMore() {
		acquire(this.defaults.getBurst());
		int allowed = 0;
		// ten seconds of a client sending twice the rate, in 1 ms steps
		int perMillisecond = 2 * this.defaults.getMessagesPerSecond() / 1000;
		for (int ms = 0; ms < 10_000; ms++) {
			this.nanos.addAndGet(1_000_000);
			allowed += acquire(perMillisecond);
		}
		assertThat(allowed).isBetween(10 * this.defaults.getMessagesPerSecond() - 1,
				10 * this.defaults.getMessagesPerSecond());
	}

	@Test
	void aQuietTimeRefillsOnlyUpToTheBurst() {
		acquire(this.defaults.getBurst());
		this.nanos.addAndGet(3_600_000_000_000L);
		assertThat(acquire(10 * this.defaults.getBurst())).isEqualTo(this.defaults.getBurst());
	}

	@Test
	void defaultsStayAboveWhatTheLibrarySendsWhenBusy() {
		// the relay fills frames when busy: ~45k events/s at 100 events a frame is 450
		// messages/s
		assertThat(this.defaults.isEnabled()).isTrue();
		assertThat(this.defaults.getMessagesPerSecond()).isGreaterThanOrEqualTo(10 * 450);
	}

	@Test
	void rejectsLimitsThatAllowNothing() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HubRateLimiter(0, 1, System::nanoTime));
		assertThatIllegalArgumentException().isThrownBy(() -> new HubRateLimiter(1, 0, System::nanoTime));
	}

	private int acquire(int count) {
		int allowed = 0;
		for (int i = 0; i < count; i++) {
			if (this.limiter.tryAcquire()) {
				allowed++;
			}
		}
		return allowed;
	}

}

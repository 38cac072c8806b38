package dev.realtime.hub;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.realtime.autoconfigure.RealtimeProperties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HubRateLimiter} at the default limits, on a clock the test moves.
 */
class HubRateLimiterTests {

	private static final long SECOND = 1_000_000_000L;

	private final HubProperties.RateLimit defaults = new HubProperties().getRateLimit();

	private final AtomicLong nanos = new AtomicLong(42);

	private final HubRateLimiter messages = new HubRateLimiter(this.defaults.getMessagesPerSecond(),
			this.defaults.getBurst(), this.nanos::get);

	private final HubRateLimiter events = new HubRateLimiter(this.defaults.getEventsPerSecond(),
			this.defaults.getEventBurst(), this.nanos::get);

	@Test
	void allowsTheBurstAtOnceThenRefusesUntilItRefills() {
		assertThat(acquire(this.messages, this.defaults.getBurst())).isEqualTo(this.defaults.getBurst());
		assertThat(this.messages.tryAcquire()).isFalse();
		this.nanos.addAndGet(SECOND / this.defaults.getMessagesPerSecond());
		assertThat(this.messages.tryAcquire()).isTrue();
		assertThat(this.messages.tryAcquire()).isFalse();
	}

	@Test
	void sustainsTheConfiguredRateButNotMore() {
		int rate = this.defaults.getMessagesPerSecond();
		acquire(this.messages, this.defaults.getBurst());
		int allowed = 0;
		// ten seconds of a client sending twice the rate
		for (int i = 0; i < 20 * rate; i++) {
			this.nanos.addAndGet(SECOND / (2 * rate));
			allowed += acquire(this.messages, 1);
		}
		assertThat(allowed).isBetween(10 * rate - 1, 10 * rate);
	}

	@Test
	void aQuietTimeRefillsOnlyUpToTheBurst() {
		acquire(this.messages, this.defaults.getBurst());
		this.nanos.addAndGet(3_600 * SECOND);
		assertThat(acquire(this.messages, 10 * this.defaults.getBurst())).isEqualTo(this.defaults.getBurst());
	}

	@Test
	void aBatchLargerThanTheBurstPassesOnceAndItsDebtIsPaidBackAtTheRate() {
		int batch = 2 * this.defaults.getEventBurst();
		assertThat(this.events.tryAcquire(batch)).isTrue();
		assertThat(this.events.tryAcquire(1)).isFalse();
		// the bucket went down to minus one burst: it takes (burst + 1) / rate to hold a
		// token again
		long payBack = (this.defaults.getEventBurst() + 1) * SECOND / this.defaults.getEventsPerSecond();
		this.nanos.addAndGet(payBack - SECOND / 1000);
		assertThat(this.events.tryAcquire(1)).isFalse();
		this.nanos.addAndGet(2 * SECOND / 1000);
		assertThat(this.events.tryAcquire(1)).isTrue();
	}

	@Test
	void aRefusedMessageTakesNothingAndOneWithoutEventsAlwaysPasses() {
		assertThat(this.events.tryAcquire(this.defaults.getEventBurst())).isTrue();
		assertThat(this.events.tryAcquire(5)).isFalse();
		assertThat(this.events.tryAcquire(0)).isTrue();
		this.nanos.addAndGet(2 * SECOND / this.defaults.getEventsPerSecond());
		assertThat(this.events.tryAcquire(1)).isTrue();
	}

	@Test
	void theLibrarysWholeWindowPassesAtOnceAndItsFullBatchesMeetTheEventLimitFirst() {
		RealtimeProperties client = new RealtimeProperties();
		assertThat(this.defaults.isEnabled()).isTrue();
		// after a reconnect the library sends every event it may have in flight at once,
		// in frames of one event each when configured so
		int window = client.getOutbox().getMaxInFlight();
		assertThat(this.defaults.getBurst()).isGreaterThanOrEqualTo(window);
		assertThat(this.defaults.getEventBurst()).isGreaterThanOrEqualTo(window);
		// it fills frames when it has events queued: at the event limit it sends no more
		// messages than the message limit allows
		int batch = client.getBatch().getSize();
		assertThat(this.defaults.getEventsPerSecond() / batch)
			.isLessThanOrEqualTo(this.defaults.getMessagesPerSecond());
	}

	@Test
	void rejectsLimitsThatAllowNothing() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HubRateLimiter(0, 1, System::nanoTime));
		assertThatIllegalArgumentException().isThrownBy(() -> new HubRateLimiter(1, 0, System::nanoTime));
	}

	private static int acquire(HubRateLimiter limiter, int count) {
		int allowed = 0;
		for (int i = 0; i < count; i++) {
			if (limiter.tryAcquire()) {
				allowed++;
			}
		}
		return allowed;
	}

}

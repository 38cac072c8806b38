package dev.realtime.client;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ExponentialBackoffTests {

	private final ExponentialBackoff backoff = new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
			0.2);

	@Test
	void doublesFromInitialDelayWithoutJitterAtMidpoint() {
		assertThat(this.backoff.delay(1, () -> 0.5)).isEqualTo(Duration.ofSeconds(1));
		assertThat(this.backoff.delay(2, () -> 0.5)).isEqualTo(Duration.ofSeconds(2));
		assertThat(this.backoff.delay(3, () -> 0.5)).isEqualTo(Duration.ofSeconds(4));
		assertThat(this.backoff.delay(5, () -> 0.5)).isEqualTo(Duration.ofSeconds(16));
	}

	@Test
	void jitterSpreadsWithinBounds() {
		assertThat(this.backoff.delay(2, () -> 0.0)).isEqualTo(Duration.ofMillis(1600));
		assertThat(this.backoff.delay(2, () -> 0.999999)).isBetween(Duration.ofMillis(2399), Duration.ofMillis(2400));
	}

	@Test
	void neverExceedsMaxDelayEvenWithJitterOrHugeAttempts() {
		assertThat(this.backoff.delay(6, () -> 0.999)).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.backoff.delay(10_000, () -> 0.5)).isEqualTo(Duration.ofSeconds(30));
		assertThat(this.backoff.delay(10_000, () -> 0.0)).isEqualTo(Duration.ofSeconds(24));
	}

	@Test
	void rejectsInvalidSettings() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(5), Duration.ofSeconds(1), 0.2))
			.withMessageContaining("must not be less than the initial delay");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ExponentialBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2), 1.5))
			.withMessageContaining("jitter must be between 0 and 1");
		assertThatIllegalArgumentException().isThrownBy(() -> this.backoff.delay(0, () -> 0.5))
			.withMessageContaining("Attempt must be 1 or more");
	}

}

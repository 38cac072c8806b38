package dev.realtime.metrics;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented meter names follow Micrometer's naming conventions.
 */
class RealtimeMetersTests {

	@ParameterizedTest
	@EnumSource(RealtimeMeters.class)
	void followsNamingConventions(RealtimeMeters meter) {
		assertThat(meter.getName()).matches("realtime(\\.[a-z]+)+")
			.doesNotEndWith(".count")
			.doesNotEndWith(".total")
			.doesNotEndWith(".seconds")
			.doesNotEndWith(".ms");
		assertThat(meter.getDescription()).isNotBlank().doesNotStartWith("The ").doesNotStartWith("A ");
		assertThat(meter.getBaseUnit()).isNotBlank();
		assertThat(meter.getType()).isNotNull();
	}

}

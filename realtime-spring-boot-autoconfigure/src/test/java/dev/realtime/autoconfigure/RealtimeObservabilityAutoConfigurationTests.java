package dev.realtime.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.realtime.actuate.RealtimeEndpoint;
import dev.realtime.actuate.RealtimeHealthIndicator;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.metrics.CachedClientMetrics;
import dev.realtime.metrics.RealtimeClientMeterBinder;
import dev.realtime.metrics.SendObservations;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Meters, observations, health indicator and endpoint switch on with their dependencies
 * and back off for the application's own beans.
 */
class RealtimeObservabilityAutoConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAutoConfiguration.class, RealtimeAuthAutoConfiguration.class,
				RealtimeMetricsAutoConfiguration.class, RealtimeObservationAutoConfiguration.class,
				RealtimeHealthAutoConfiguration.class, RealtimeEndpointAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false", "realtime.auth.token=super-secret-token-123");

	private final ApplicationContextRunner withMetrics = this.runner.withConfiguration(
			AutoConfigurations.of(MetricsAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, ObservationAutoConfiguration.class));

	@Test
	void bindsMetersToTheApplicationsRegistry() {
		this.withMetrics.run((context) -> {
			assertThat(context).hasSingleBean(RealtimeClientMeterBinder.class);
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			assertThat(registry.get("realtime.connected").tag("user", "alice").gauge().value()).isZero();
			assertThat(registry.get("realtime.messages.sent").tag("user", "alice").functionCounter().count()).isZero();
		});
	}

	@Test
	void noMeterBinderWithoutMeterRegistry() {
		this.runner.run((context) -> assertThat(context).hasNotFailed()
			.doesNotHaveBean(RealtimeClientMeterBinder.class)
			.doesNotHaveBean(SendObservations.class));
	}

	@Test
	void micrometerIsOptional() {
		this.runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, ObservationRegistry.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.doesNotHaveBean(RealtimeClientMeterBinder.class)
				.doesNotHaveBean(SendObservations.class)
				.hasSingleBean(RealtimeHealthIndicator.class));
	}

	@Test
	void meterBinderBacksOffForUserBinder() {
		this.withMetrics.withUserConfiguration(UserBeans.class)
			.run((context) -> assertThat(context).getBean(RealtimeClientMeterBinder.class)
				.isSameAs(context.getBean("myBinder")));
	}

	@Test
	void observesSendsWhenObservationRegistryIsPresent() {
		this.withMetrics.run((context) -> assertThat(context).hasSingleBean(SendObservations.class));
		this.runner.withBean(ObservationRegistry.class, ObservationRegistry::create)
			.run((context) -> assertThat(context).hasSingleBean(SendObservations.class));
	}

	@Test
	void healthIndicatorReportsUnknownBeforeConnectingAndNeverTheToken() {
		this.runner.run((context) -> {
			assertThat(context).hasBean("realtimeHealthIndicator").hasSingleBean(CachedClientMetrics.class);
			Health health = context.getBean(RealtimeHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
			assertThat(health.getDetails()).containsEntry("user", "alice")
				.containsEntry("pending", 0L)
				.containsKeys("state", "clientId", "deadLetters", "failedInbound", "oldestPendingAge");
			assertThat(health.toString()).doesNotContain("super-secret-token-123");
		});
	}

	@Test
	void healthIndicatorIsOptionalAndCanBeDisabled() {
		this.runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RealtimeHealthIndicator.class));
		this.runner.withPropertyValues("management.health.realtime.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeHealthIndicator.class));
	}

	@Test
	void healthIndicatorBacksOffForUserIndicator() {
		this.runner.withBean("realtimeHealthIndicator", HealthIndicator.class, () -> () -> Health.up().build())
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeHealthIndicator.class));
	}

	@Test
	void endpointNeedsExposureAndTheActuator() {
		this.runner.run((context) -> assertThat(context).doesNotHaveBean(RealtimeEndpoint.class));
		ApplicationContextRunner exposed = this.runner
			.withPropertyValues("management.endpoints.web.exposure.include=realtime");
		exposed.run((context) -> assertThat(context).hasSingleBean(RealtimeEndpoint.class));
		exposed.withPropertyValues("management.endpoint.realtime.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RealtimeEndpoint.class));
		exposed.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RealtimeEndpoint.class));
	}

	@Test
	void endpointWorksWithoutJpa() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=realtime")
			.withClassLoader(new FilteredClassLoader("jakarta.persistence", "org.hibernate"))
			.run((context) -> {
				RealtimeEndpoint.RealtimeDescriptor descriptor = context.getBean(RealtimeEndpoint.class).realtime();
				assertThat(descriptor.userId()).isEqualTo("alice");
				assertThat(descriptor.failedInbound()).isNull();
				assertThat(descriptor.deadLetters()).isNull();
			});
	}

	@Test
	void endpointBacksOffForUserEndpoint() {
		this.runner.withPropertyValues("management.endpoints.web.exposure.include=realtime")
			.withUserConfiguration(UserBeans.class)
			.run((context) -> assertThat(context).getBean(RealtimeEndpoint.class)
				.isSameAs(context.getBean("myEndpoint")));
	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		@Bean
		RealtimeClientMeterBinder myBinder(DefaultRealtimeClient client) {
			return new RealtimeClientMeterBinder(client, client::metrics, null);
		}

		@Bean
		RealtimeEndpoint myEndpoint(DefaultRealtimeClient client) {
			return new RealtimeEndpoint(client, null, null);
		}

	}

}

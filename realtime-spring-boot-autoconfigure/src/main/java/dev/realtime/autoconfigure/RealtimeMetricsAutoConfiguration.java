package dev.realtime.autoconfigure;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

import dev.realtime.auth.RefreshingTokenProvider;
import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ObservableClient;
import dev.realtime.metrics.CachedClientMetrics;
import dev.realtime.metrics.RealtimeClientMeterBinder;
import dev.realtime.metrics.RealtimeMeters;

/**
 * Auto-configuration of the client's {@link RealtimeMeters}, when the application has a
 * {@link MeterRegistry}. Applications with several clients declare a
 * {@link RealtimeClientMeterBinder} per client themselves.
 */
@AutoConfiguration(after = RealtimeAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnRealtimeEnabled
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnSingleCandidate(ObservableClient.class)
@Import(CachedClientMetricsConfiguration.class)
public final class RealtimeMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RealtimeClientMeterBinder realtimeClientMeterBinder(ObservableClient client, CachedClientMetrics metrics,
			ObjectProvider<TokenProvider> tokenProvider) {
		TokenProvider tokens = tokenProvider.getIfUnique();
		return new RealtimeClientMeterBinder(client, metrics,
				(tokens instanceof RefreshingTokenProvider refreshing) ? refreshing : null);
	}

}

package dev.realtime.autoconfigure;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

import dev.realtime.client.ObservableClient;
import dev.realtime.metrics.RealtimeObservationDocumentation;
import dev.realtime.metrics.SendObservationConvention;
import dev.realtime.metrics.SendObservations;

/**
 * Auto-configuration of {@link RealtimeObservationDocumentation#SEND} observations, when
 * the application has an {@link ObservationRegistry}. A {@link SendObservationConvention}
 * bean replaces the default names and key values.
 */
@AutoConfiguration(after = RealtimeAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnRealtimeEnabled
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean(ObservationRegistry.class)
@ConditionalOnSingleCandidate(ObservableClient.class)
public final class RealtimeObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	SendObservations realtimeSendObservations(ObservableClient client, ObservationRegistry registry,
			ObjectProvider<SendObservationConvention> convention) {
		SendObservations observations = new SendObservations(client.userId(), registry, convention.getIfUnique());
		client.onSend(observations);
		return observations;
	}

}

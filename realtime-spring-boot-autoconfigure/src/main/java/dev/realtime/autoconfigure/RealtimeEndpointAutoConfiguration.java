package dev.realtime.autoconfigure;

import java.util.List;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;

import dev.realtime.client.ObservableClient;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.outbox.OutboxDeadLetters;

/**
 * Auto-configuration of the {@link RealtimeEndpoint}, when the actuator is on the
 * classpath and the endpoint is enabled and exposed.
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeInboxAutoConfiguration.class,
		RealtimeOutboxAutoConfiguration.class })
@ConditionalOnRealtimeEnabled
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(RealtimeEndpoint.class)
@ConditionalOnSingleCandidate(ObservableClient.class)
public final class RealtimeEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RealtimeEndpoint realtimeEndpoint(ObservableClient client, ObjectProvider<FailedInboundEvents> failedInbound,
			ObjectProvider<OutboxDeadLetters> deadLetters, ObjectProvider<DefaultRealtimeClients> users) {
		return new RealtimeEndpoint(client, failedInbound.getIfUnique(), deadLetters.getIfUnique(), () -> {
			DefaultRealtimeClients registry = users.getIfUnique();
			return (registry != null) ? registry.clients() : List.of();
		});
	}

}

package dev.realtime.autoconfigure;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.endpoint.expose.EndpointExposure;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

import dev.realtime.actuate.RealtimeEndpoint;
import dev.realtime.actuate.RealtimeEndpointWebExtension;
import dev.realtime.client.ObservableClient;
import dev.realtime.inbox.FailedInboundEvents;
import dev.realtime.outbox.OutboxDeadLetters;
import dev.realtime.users.DefaultRealtimeClients;
import dev.realtime.users.RealtimeClients;

/**
 * Auto-configuration of the {@link RealtimeEndpoint}, when the actuator is on the
 * classpath, the endpoint is enabled and exposed, and the application has a client of its
 * own or {@code RealtimeClients}, with its {@link RealtimeEndpointWebExtension} when
 * exposed over HTTP.
 */
@AutoConfiguration(after = { RealtimeAutoConfiguration.class, RealtimeInboxAutoConfiguration.class,
		RealtimeOutboxAutoConfiguration.class, RealtimeUsersAutoConfiguration.class })
@ConditionalOnRealtimeEnabled
@ConditionalOnClass(Endpoint.class)
@ConditionalOnAvailableEndpoint(RealtimeEndpoint.class)
@Conditional(RealtimeEndpointAutoConfiguration.OnClients.class)
@EnableConfigurationProperties(RealtimeEndpointProperties.class)
public final class RealtimeEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	RealtimeEndpoint realtimeEndpoint(ObjectProvider<ObservableClient> client,
			ObjectProvider<FailedInboundEvents> failedInbound, ObjectProvider<OutboxDeadLetters> deadLetters,
			ObjectProvider<DefaultRealtimeClients> users, RealtimeEndpointProperties properties) {
		return new RealtimeEndpoint(client.getIfUnique(), failedInbound.getIfUnique(), deadLetters.getIfUnique(),
				UserClients.of(users), properties.getShowValues());
	}

	@Bean
	@ConditionalOnBean(RealtimeEndpoint.class)
	@ConditionalOnMissingBean
	@ConditionalOnAvailableEndpoint(exposure = EndpointExposure.WEB)
	RealtimeEndpointWebExtension realtimeEndpointWebExtension(RealtimeEndpoint endpoint,
			RealtimeEndpointProperties properties) {
		return new RealtimeEndpointWebExtension(endpoint, properties.getShowValues(), properties.getRoles());
	}

	/**
	 * Matches when the application has a client of its own or users connected through
	 * {@code RealtimeClients}.
	 */
	static final class OnClients extends AnyNestedCondition {

		OnClients() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnSingleCandidate(ObservableClient.class)
		static final class OwnClient {

		}

		@ConditionalOnBean(RealtimeClients.class)
		static final class Users {

		}

	}

}

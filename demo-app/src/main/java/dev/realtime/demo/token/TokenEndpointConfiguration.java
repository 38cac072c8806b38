package dev.realtime.demo.token;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.util.StringUtils;
import org.springframework.web.servlet.function.RequestPredicates;
import org.springframework.web.servlet.function.RouterFunction;
import org.springframework.web.servlet.function.RouterFunctions;
import org.springframework.web.servlet.function.ServerResponse;

import dev.realtime.auth.UserTokenProvider;
import dev.realtime.demo.token.TokenEndpoint.RegisteredClient;
import dev.realtime.demo.token.TokenEndpointProperties.Client;
import dev.realtime.hub.HubProperties;

/**
 * The demo token endpoint, beside the hub whose secret it signs with; switched off with
 * {@code demo.token-endpoint.enabled=false} or {@code realtime.hub.enabled=false}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = { "realtime.hub.enabled", "demo.token-endpoint.enabled" }, matchIfMissing = true)
@EnableConfigurationProperties(TokenEndpointProperties.class)
public class TokenEndpointConfiguration {

	/**
	 * Signs the demo's tokens with the hub's development secret.
	 * @param hub the hub's properties, with {@code realtime.hub.auth.jwt-secret}
	 * @return the signer
	 */
	@Bean
	DemoTokenSigner demoTokenSigner(HubProperties hub) {
		String secret = hub.getAuth().getJwtSecret();
		if (!StringUtils.hasText(secret)) {
			throw new InvalidConfigurationPropertyValueException("realtime.hub.auth.jwt-secret", null,
					"the demo token endpoint signs with it: set it, or demo.token-endpoint.enabled=false");
		}
		return new DemoTokenSigner(secret);
	}

	@Bean
	RouterFunction<ServerResponse> tokenEndpointRoute(TokenEndpointProperties properties, DemoTokenSigner signer,
			ObjectProvider<Clock> clock) {
		TokenEndpoint endpoint = new TokenEndpoint(clients(properties), signer, tokenTtl(properties),
				clock.getIfAvailable(Clock::systemUTC));
		return RouterFunctions.route()
			.POST(TokenEndpoint.PATH, RequestPredicates.contentType(MediaType.APPLICATION_FORM_URLENCODED),
					endpoint::token)
			.build();
	}

	/**
	 * Tokens of the users the demo connects at runtime through {@code RealtimeClients}:
	 * signed here for any user with the hub's key, as a service holding a signing key (or
	 * doing an OAuth2 token exchange) would, so any instance can mint any user's token.
	 * @param signer signs the tokens
	 * @param properties the token lifetime
	 * @param clock the application's clock, if it has one
	 * @return the provider
	 */
	@Bean
	UserTokenProvider demoUserTokenProvider(DemoTokenSigner signer, TokenEndpointProperties properties,
			ObjectProvider<Clock> clock) {
		Duration ttl = tokenTtl(properties);
		Clock tokenClock = clock.getIfAvailable(Clock::systemUTC);
		return (userId) -> {
			Instant issuedAt = tokenClock.instant();
			return signer.sign(userId, issuedAt, issuedAt.plus(ttl), Map.of("jti", UUID.randomUUID().toString()));
		};
	}

	private static Map<String, RegisteredClient> clients(TokenEndpointProperties properties) {
		Map<String, RegisteredClient> clients = new LinkedHashMap<>();
		properties.getClients().forEach((id, client) -> clients.put(id, registered(id, client)));
		return clients;
	}

	private static RegisteredClient registered(String id, Client client) {
		String prefix = "demo.token-endpoint.clients." + id;
		if (!StringUtils.hasText(client.getSecret())) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".secret", null, "required");
		}
		if (!StringUtils.hasText(client.getUser())) {
			throw new InvalidConfigurationPropertyValueException(prefix + ".user", client.getUser(), "required");
		}
		return new RegisteredClient(client.getSecret(), client.getUser());
	}

	private static Duration tokenTtl(TokenEndpointProperties properties) {
		Duration ttl = properties.getTokenTtl();
		// exp is in whole seconds
		if (ttl.compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidConfigurationPropertyValueException("demo.token-endpoint.token-ttl", ttl,
					"must be at least 1s");
		}
		return ttl;
	}

}

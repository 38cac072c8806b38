package dev.realtime.autoconfigure;

import java.net.URI;
import java.net.http.HttpClient;
import java.util.Objects;

import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ClientHttpRequestFactory;
import org.springframework.security.oauth2.client.AuthorizedClientServiceOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.util.ClassUtils;

import dev.realtime.auth.OAuth2TokenProvider;
import dev.realtime.auth.OAuth2TokenProvider.GrantType;
import dev.realtime.auth.SpringSecurityTokenProvider;
import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenProvider;

/**
 * Auto-configuration of the {@link TokenProvider} the realtime client authenticates with,
 * from {@code realtime.auth.*}: a Spring Security client registration
 * ({@code registration-id}), an OAuth2 token endpoint ({@code token-uri}) or a static
 * {@code token}.
 */
@AutoConfiguration(
		afterName = "org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration")
@ConditionalOnRealtimeEnabled
@EnableConfigurationProperties(RealtimeAuthProperties.class)
public final class RealtimeAuthAutoConfiguration {

	private static final String BOOT_HTTP_CLIENT = "org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder";

	@Bean
	@ConditionalOnMissingBean
	TokenProvider realtimeTokenProvider(RealtimeAuthProperties properties, BeanFactory beanFactory,
			ObjectProvider<SslBundles> sslBundles, ObjectProvider<RealtimeConnectionDetails> connectionDetails) {
		RealtimeConnectionDetails details = connectionDetails.getIfAvailable();
		if (details != null && details.getToken() != null) {
			return new StaticTokenProvider(details.getToken());
		}
		RealtimePropertiesValidator.validate(properties);
		if (properties.getRegistrationId() != null) {
			throw new InvalidConfigurationPropertyValueException("realtime.auth.registration-id",
					properties.getRegistrationId(), "needs spring-security-oauth2-client on the classpath "
							+ "(org.springframework.boot:spring-boot-starter-security-oauth2-client)");
		}
		URI tokenUri = properties.getTokenUri();
		if (tokenUri == null) {
			return new StaticTokenProvider(properties.getToken());
		}
		String clientId = Objects.requireNonNull(properties.getClientId(),
				"realtime.auth.client-id is required with realtime.auth.token-uri");
		OAuth2TokenProvider.Builder builder = OAuth2TokenProvider.builder(tokenUri, clientId)
			.clientSecret(properties.getClientSecret(), properties.getClientAuthentication())
			.scope(properties.getScope())
			.refreshBeforeExpiry(properties.getRefreshBeforeExpiry())
			.timeout(properties.getTimeout());
		if (ClassUtils.isPresent(BOOT_HTTP_CLIENT, RealtimeAuthAutoConfiguration.class.getClassLoader())) {
			builder.requestFactory(TokenRequestFactory.create(properties, beanFactory, sslBundles));
		}
		else if (properties.getSslBundle() != null) {
			throw new InvalidConfigurationPropertyValueException("realtime.auth.ssl-bundle", properties.getSslBundle(),
					"needs org.springframework.boot:spring-boot-http-client on the classpath");
		}
		if (properties.getGrantType() == GrantType.REFRESH_TOKEN) {
			builder.refreshToken(Objects.requireNonNull(properties.getRefreshToken(),
					"realtime.auth.refresh-token is required with realtime.auth.grant-type=refresh_token"));
		}
		return builder.build();
	}

	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(OAuth2AuthorizedClientManager.class)
	@ConditionalOnProperty(prefix = "realtime.auth", name = "registration-id")
	static class SpringSecurityTokenProviderConfiguration {

		/** Request-bound: fails outside a web request, where the client refreshes. */
		private static final String WEB_MANAGER = "org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizedClientManager";

		@Bean
		@ConditionalOnMissingBean(TokenProvider.class)
		SpringSecurityTokenProvider realtimeSpringSecurityTokenProvider(RealtimeAuthProperties properties,
				ObjectProvider<ClientRegistrationRepository> registrations,
				ObjectProvider<OAuth2AuthorizedClientService> authorizedClients,
				ObjectProvider<OAuth2AuthorizedClientManager> managers) {
			RealtimePropertiesValidator.validate(properties);
			// set: this configuration is conditional on it
			String registrationId = Objects.requireNonNull(properties.getRegistrationId(),
					"realtime.auth.registration-id is required");
			ClientRegistrationRepository repository = registrations.getIfAvailable();
			if (repository == null || repository.findByRegistrationId(registrationId) == null) {
				throw new InvalidConfigurationPropertyValueException("realtime.auth.registration-id", registrationId,
						"no such client registration in spring.security.oauth2.client.registration");
			}
			OAuth2AuthorizedClientService service = authorizedClients
				.getIfAvailable(() -> new InMemoryOAuth2AuthorizedClientService(repository));
			OAuth2AuthorizedClientManager manager = managers.getIfUnique();
			if (manager == null || WEB_MANAGER.equals(manager.getClass().getName())) {
				manager = new AuthorizedClientServiceOAuth2AuthorizedClientManager(repository, service);
			}
			return new SpringSecurityTokenProvider(manager, service, registrationId,
					properties.getRefreshBeforeExpiry());
		}

	}

	/**
	 * Builds the token client with Boot's HTTP client settings
	 * ({@code spring.http.clients.*}: redirects, SSL bundle), the realtime timeout and
	 * SSL bundle taking precedence. Always the JDK client restricted to HTTP/1.1: a
	 * plain-HTTP endpoint that shares its port with a WebSocket endpoint refuses the JDK
	 * client's default {@code h2c} upgrade request.
	 */
	static final class TokenRequestFactory {

		private TokenRequestFactory() {
		}

		static ClientHttpRequestFactory create(RealtimeAuthProperties properties, BeanFactory beanFactory,
				ObjectProvider<SslBundles> sslBundles) {
			HttpClientSettings settings = beanFactory.getBeanProvider(HttpClientSettings.class)
				.getIfAvailable(HttpClientSettings::defaults)
				.withTimeouts(properties.getTimeout(), properties.getTimeout());
			SslBundle bundle = SslBundleLookup.find("realtime.auth.ssl-bundle", properties.getSslBundle(), sslBundles);
			if (bundle != null) {
				settings = settings.withSslBundle(bundle);
			}
			return ClientHttpRequestFactoryBuilder.jdk()
				.withHttpClientCustomizer((client) -> client.version(HttpClient.Version.HTTP_1_1))
				.build(settings);
		}

	}

}

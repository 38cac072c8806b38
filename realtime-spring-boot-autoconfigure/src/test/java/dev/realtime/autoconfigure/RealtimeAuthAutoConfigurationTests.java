package dev.realtime.autoconfigure;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.http.client.HttpClientSettings;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.security.oauth2.client.autoconfigure.OAuth2ClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import dev.realtime.auth.OAuth2TokenProvider;
import dev.realtime.auth.SpringSecurityTokenProvider;
import dev.realtime.auth.StaticTokenProvider;
import dev.realtime.auth.TokenProvider;
import dev.realtime.client.ClientSettings;
import dev.realtime.client.ConnectionState;
import dev.realtime.client.internal.DefaultRealtimeClient;
import dev.realtime.test.HubFixture;
import dev.realtime.test.TestHub;
import dev.realtime.test.TestTokenEndpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class RealtimeAuthAutoConfigurationTests {

	@RegisterExtension
	final HubFixture fixture = HubFixture.onDemand();

	private static final String SECRET = "client-s3cr3t-value";

	private final TestTokenEndpoint endpoint = TestTokenEndpoint.start("svc", SECRET, "rt-initial");

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RealtimeAuthAutoConfiguration.class, RealtimeAutoConfiguration.class,
				OAuth2ClientAutoConfiguration.class))
		.withPropertyValues("realtime.url=ws://localhost:1/realtime", "realtime.user-id=alice",
				"realtime.auto-connect=false");

	@AfterEach
	void stopEndpoint() {
		this.endpoint.close();
	}

	@Test
	void usesStaticTokenByDefault() {
		this.runner.withPropertyValues("realtime.auth.token=s3cr3t-static", "realtime.auth.max-failures=5")
			.run((context) -> {
				assertThat(context).hasSingleBean(StaticTokenProvider.class);
				assertThat(context.getBean(TokenProvider.class).getToken()).isEqualTo("s3cr3t-static");
				assertThat(context.getBean(ClientSettings.class).maxAuthFailures()).isEqualTo(5);
			});
	}

	@Test
	void usesTokenEndpointWhenTokenUriIsSet() {
		this.runner
			.withPropertyValues("realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc",
					"realtime.auth.client-secret=" + SECRET, "realtime.auth.grant-type=refresh_token",
					"realtime.auth.refresh-token=rt-initial")
			.run((context) -> {
				assertThat(context).hasSingleBean(OAuth2TokenProvider.class);
				String token = context.getBean(TokenProvider.class).getToken();
				assertThat(this.endpoint.isValid(token)).isTrue();
				assertThat(this.endpoint.presentedRefreshTokens()).containsExactly("rt-initial");
				assertThat(context.getBean(TokenProvider.class).toString()).doesNotContain(token)
					.doesNotContain(SECRET);
			});
	}

	@Test
	void tokenRequestsUseBootsHttpClientSettingsAndReachAnEndpointBesideAWebSocketEndpoint() {
		this.endpoint.routeUpgradesToWebSocket();
		this.runner.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class))
			.withPropertyValues("realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc",
					"realtime.auth.client-secret=" + SECRET, "spring.http.clients.redirects=dont-follow")
			.run((context) -> {
				assertThat(context).hasSingleBean(HttpClientSettings.class);
				assertThat(this.endpoint.isValid(context.getBean(TokenProvider.class).getToken())).isTrue();
				assertThat(this.endpoint.upgradeRequests()).isZero();
			});
	}

	@Test
	void failsNamingThePropertyWhenTheSslBundleDoesNotExist() {
		this.runner.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class))
			.withPropertyValues("realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc",
					"realtime.auth.ssl-bundle=missing")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.auth.ssl-bundle")
				.hasMessageContaining("missing"));
	}

	@Test
	void backsOffWhenUserDefinesTokenProvider() {
		this.runner.withPropertyValues("realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc")
			.withBean("userTokens", TokenProvider.class, () -> () -> "mine")
			.run((context) -> assertThat(context).hasSingleBean(TokenProvider.class)
				.doesNotHaveBean(OAuth2TokenProvider.class)
				.getBean(TokenProvider.class)
				.isSameAs(context.getBean("userTokens")));
	}

	@Test
	void requiresClientIdWithTokenUri() {
		assertFailure("realtime.auth.client-id", "required with realtime.auth.token-uri",
				"realtime.auth.token-uri=" + this.endpoint.uri());
	}

	@Test
	void requiresRefreshTokenWithRefreshTokenGrant() {
		assertFailure("realtime.auth.refresh-token", "grant-type=refresh_token",
				"realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc",
				"realtime.auth.grant-type=refresh_token");
	}

	@Test
	void rejectsStaticTokenTogetherWithTokenUri() {
		assertFailure("realtime.auth.token-uri", "set only one of", "realtime.auth.token=abc",
				"realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc");
	}

	@Test
	void rejectsClientCredentialsWithoutTokenUri() {
		assertFailure("realtime.auth.token-uri", "required when realtime.auth.client-id",
				"realtime.auth.client-id=svc");
	}

	@Test
	void rejectsUnknownRegistration() {
		assertFailure("realtime.auth.registration-id", "no such client registration",
				"realtime.auth.registration-id=missing");
	}

	@Test
	void getsTokensForSpringSecurityClientCredentialsRegistration() {
		TestHub hub = this.fixture.start();
		hub.acceptTokens(this.endpoint::isValid);
		this.runner
			.withPropertyValues("realtime.url=" + hub.uri(), "realtime.auth.registration-id=hub",
					"spring.security.oauth2.client.registration.hub.client-id=svc",
					"spring.security.oauth2.client.registration.hub.client-secret=" + SECRET,
					"spring.security.oauth2.client.registration.hub.authorization-grant-type=client_credentials",
					"spring.security.oauth2.client.provider.hub.token-uri=" + this.endpoint.uri())
			.run((context) -> {
				assertThat(context).hasSingleBean(SpringSecurityTokenProvider.class);
				TokenProvider tokens = context.getBean(TokenProvider.class);
				String first = tokens.getToken();
				assertThat(this.endpoint.isValid(first)).isTrue();
				tokens.invalidate(first);
				String second = tokens.getToken();
				assertThat(second).isNotEqualTo(first);
				assertThat(this.endpoint.requests()).isEqualTo(2);

				DefaultRealtimeClient client = context.getBean(DefaultRealtimeClient.class);
				client.connect();
				await().until(() -> client.connectionState() == ConnectionState.CONNECTED);
				assertThat(hub.presentedTokens()).containsExactly(second);
			});
	}

	@Test
	void worksWithoutSpringSecurity() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security."))
			.withPropertyValues("realtime.auth.token-uri=" + this.endpoint.uri(), "realtime.auth.client-id=svc",
					"realtime.auth.client-secret=" + SECRET)
			.run((context) -> {
				assertThat(context).hasSingleBean(OAuth2TokenProvider.class);
				assertThat(this.endpoint.isValid(context.getBean(TokenProvider.class).getToken())).isTrue();
			});
	}

	@Test
	void registrationIdWithoutSpringSecurityFailsNamingTheDependency() {
		this.runner.withClassLoader(new FilteredClassLoader("org.springframework.security."))
			.withPropertyValues("realtime.auth.registration-id=hub")
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.auth.registration-id")
				.hasMessageContaining("spring-security-oauth2-client"));
	}

	private void assertFailure(String property, String reason, String... properties) {
		this.runner.withPropertyValues(properties)
			.run((context) -> assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining(property)
				.hasMessageContaining(reason));
	}

}

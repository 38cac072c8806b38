package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.transaction.PlatformTransactionManager;

import dev.realtime.hub.security.HubTokenVerifier;
import dev.realtime.hub.security.InvalidTokenException;
import dev.realtime.hub.security.TokenCheckUnavailableException;
import dev.realtime.hub.security.VerifiedToken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Switching the hub off, where its auto-configuration applies, and which token verifier
 * it configures.
 */
@ExtendWith(OutputCaptureExtension.class)
class HubAutoConfigurationTests {

	private static final String SECRET = "a-test-secret-of-at-least-32-bytes!";

	private static final DriverManagerDataSource dataSource = new DriverManagerDataSource(
			"jdbc:h2:mem:hub-configuration");

	private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class));

	private final WebApplicationContextRunner withDatabase = this.runner
		.withBean(JdbcTemplate.class, () -> new JdbcTemplate(dataSource))
		.withBean(PlatformTransactionManager.class, () -> new DataSourceTransactionManager(dataSource));

	/** The token beans alone: the whole hub needs a servlet container for WebSocket. */
	private final ApplicationContextRunner tokens = new ApplicationContextRunner()
		.withUserConfiguration(TokenConfiguration.class);

	@Test
	void definesNoHubBeanWhenDisabled() {
		this.runner.withPropertyValues("realtime.hub.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(Hub.class);
			assertThat(context).doesNotHaveBean(HubTokenVerifier.class);
			assertThat(context).doesNotHaveBean(HubProperties.class);
		});
	}

	@Test
	void refusesToStartWithAJwtSecretShorterThan32Bytes() {
		this.withDatabase.withPropertyValues("realtime.hub.auth.jwt-secret=too-short-secret").run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidConfigurationPropertyValueException.class)
				.hasMessageContaining("realtime.hub.auth.jwt-secret")
				.hasMessageContaining("at least 32 bytes")
				.hasMessageNotContaining("too-short-secret");
		});
	}

	@Test
	void staticDevelopmentTokensAreOneWarningThatNamesNoToken(CapturedOutput output) {
		this.tokens
			.withPropertyValues("realtime.hub.tokens.alice-secret-token=alice",
					"realtime.hub.tokens.bob-secret-token=bob")
			.run((context) -> {
				HubTokenVerifier verifier = context.getBean(HubTokenVerifier.class);
				assertThat(verifier.verify("alice-secret-token")).isEqualTo(new VerifiedToken("alice", null));
				assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> verifier.verify("carol"));
				assertThat(verifier).hasToString("StaticTokenVerifier[2 tokens]");
			});
		assertThat(output.getAll().lines().filter((line) -> line.contains("HubTokenConfiguration"))).singleElement()
			.satisfies((line) -> assertThat(line).contains("WARN", "Static development tokens are enabled (2 in"));
		assertThat(output.getAll()).doesNotContain("secret-token");
	}

	@Test
	void withoutStaticTokensNorJwtsEveryHandshakeIsRefusedAndTheHubSaysSo(CapturedOutput output) {
		this.tokens.run((context) -> assertThatExceptionOfType(InvalidTokenException.class)
			.isThrownBy(() -> context.getBean(HubTokenVerifier.class).verify("anything")));
		assertThat(output.getAll()).contains("The hub has no way to check a token");
	}

	@Test
	void usesTheApplicationsJwtDecoderWhenTheHubConfiguresNone() {
		JwtDecoder applicationDecoder = NimbusJwtDecoder
			.withSecretKey(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
			.build();
		this.tokens.withBean(JwtDecoder.class, () -> applicationDecoder).run((context) -> {
			Instant expiry = Instant.now().plusSeconds(60);
			String token = TestIssuer.hs256(SECRET, Map.of("sub", "alice", "exp", expiry.getEpochSecond()));
			assertThat(context.getBean(HubTokenVerifier.class).verify(token).userId()).isEqualTo("alice");
		});
	}

	@Test
	void theHubsOwnDecoderIsNoBeanSoBootsResourceServerStaysOff() {
		// a JwtDecoder bean would make Boot secure every endpoint of the application
		this.tokens.withPropertyValues("realtime.hub.auth.jwt-secret=" + SECRET).run((context) -> {
			assertThat(context).hasSingleBean(HubTokenVerifier.class).doesNotHaveBean(JwtDecoder.class);
			String token = TestIssuer.hs256(SECRET,
					Map.of("sub", "alice", "exp", Instant.now().plusSeconds(60).getEpochSecond()));
			assertThat(context.getBean(HubTokenVerifier.class).verify(token).userId()).isEqualTo("alice");
		});
	}

	@Test
	void startsWhileTheIssuerIsDownAndRefusesWith503UntilItIsUp() {
		// nothing listens on port 1: discovery waits for the first handshake, which
		// cannot check its token for now (503), rather than the hub failing to start
		this.tokens.withPropertyValues("realtime.hub.auth.issuer-uri=http://127.0.0.1:1").run((context) -> {
			assertThat(context).hasNotFailed();
			String token = TestIssuer.sign(TestIssuer.rsaKey("k1"),
					new JWTClaimsSet.Builder().subject("alice")
						.expirationTime(Date.from(Instant.now().plusSeconds(60)))
						.build());
			assertThatExceptionOfType(TokenCheckUnavailableException.class)
				.isThrownBy(() -> context.getBean(HubTokenVerifier.class).verify(token));
		});
	}

	@Test
	void anApplicationsTokenVerifierReplacesTheHubs() {
		HubTokenVerifier own = (token) -> new VerifiedToken("everyone", null);
		this.tokens.withBean(HubTokenVerifier.class, () -> own)
			.run((context) -> assertThat(context.getBean(HubTokenVerifier.class)).isSameAs(own));
	}

	@Test
	void definesNoHubBeanOutsideAServletWebApplication() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(HubAutoConfiguration.class))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(HubProperties.class));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(HubProperties.class)
	@Import(HubTokenConfiguration.class)
	static class TokenConfiguration {

	}

}

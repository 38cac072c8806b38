package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import javax.crypto.spec.SecretKeySpec;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder.JwkSetUriJwtDecoderBuilder;
import org.springframework.security.oauth2.jwt.SupplierJwtDecoder;
import org.springframework.util.StringUtils;

import dev.realtime.hub.security.HubTokenVerifier;
import dev.realtime.hub.security.JwtHubTokenVerifier;
import dev.realtime.hub.security.StaticTokenVerifier;

/**
 * The hub's token verifier: the static development tokens of {@code realtime.hub.tokens}
 * in front of JWTs checked by Spring Security's {@link NimbusJwtDecoder}, built like
 * Spring Boot's resource server builds it from {@code realtime.hub.auth.*} (issuer-uri,
 * jwk-set-uri, jws-algorithms, audiences, or an HS256 jwt-secret for development), else
 * the application's own {@link JwtDecoder} bean. The hub's decoder is deliberately no
 * bean: a {@code JwtDecoder} bean makes Boot's resource server secure every endpoint of
 * the application.
 */
@Configuration(proxyBeanMethods = false)
class HubTokenConfiguration {

	/** RFC 7518 section 3.2: an HS256 key is at least as long as the hash output. */
	static final int MIN_SECRET_BYTES = 32;

	private static final String PREFIX = "realtime.hub.auth.";

	private static final Log logger = LogFactory.getLog(HubTokenConfiguration.class);

	@Bean
	@ConditionalOnMissingBean
	HubTokenVerifier hubTokenVerifier(HubProperties properties, ObjectProvider<JwtDecoder> applicationDecoder,
			ObjectProvider<Clock> clock) {
		HubProperties.Auth auth = properties.getAuth();
		JwtDecoder decoder = hubDecoder(auth, clock.getIfAvailable(Clock::systemUTC));
		if (decoder == null) {
			decoder = applicationDecoder.getIfUnique();
			if (decoder != null) {
				logger.info("The hub checks JWTs with the application's JwtDecoder");
			}
		}
		if (!properties.getTokens().isEmpty()) {
			// the count only: never the tokens
			logger.warn("Static development tokens are enabled (" + properties.getTokens().size()
					+ " in realtime.hub.tokens): they never expire; leave realtime.hub.tokens empty outside development");
		}
		else if (decoder == null) {
			logger.warn("The hub has no way to check a token and refuses every handshake with 401: set "
					+ "realtime.hub.auth.issuer-uri or jwk-set-uri (or jwt-secret, or realtime.hub.tokens in development)");
		}
		HubTokenVerifier jwts = (decoder != null)
				? new JwtHubTokenVerifier(decoder, auth.getUserIdClaim(), auth.getClockSkew())
				: StaticTokenVerifier.noOtherTokens();
		return new StaticTokenVerifier(properties.getTokens(), jwts);
	}

	/**
	 * Build the decoder {@code realtime.hub.auth.*} configures.
	 * @param auth the properties
	 * @param clock checks expiry
	 * @return the decoder, or {@code null} if none of issuer-uri, jwk-set-uri and
	 * jwt-secret is set
	 */
	static @Nullable JwtDecoder hubDecoder(HubProperties.Auth auth, Clock clock) {
		String issuerUri = text(auth.getIssuerUri());
		String jwkSetUri = text(auth.getJwkSetUri());
		String secret = text(auth.getJwtSecret());
		if (secret != null && (issuerUri != null || jwkSetUri != null)) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "jwt-secret", "******",
					"set either jwt-secret (HS256, development) or issuer-uri/jwk-set-uri, not both");
		}
		OAuth2TokenValidator<Jwt> validator = validator(auth, clock);
		if (secret != null) {
			NimbusJwtDecoder decoder = NimbusJwtDecoder.withSecretKey(secretKey(secret))
				.macAlgorithm(MacAlgorithm.HS256)
				.build();
			decoder.setJwtValidator(validator);
			logger.info("The hub checks HS256 JWTs signed with realtime.hub.auth.jwt-secret (development)");
			return decoder;
		}
		if (jwkSetUri != null) {
			Set<SignatureAlgorithm> algorithms = signatureAlgorithms(auth);
			logger.info("The hub checks JWTs signed with the keys of " + jwkSetUri + " " + algorithms);
			return decoder(NimbusJwtDecoder.withJwkSetUri(jwkSetUri), algorithms, validator);
		}
		return (issuerUri != null) ? issuerDecoder(issuerUri, signatureAlgorithms(auth), validator) : null;
	}

	private static JwtDecoder issuerDecoder(String issuerUri, Set<SignatureAlgorithm> algorithms,
			OAuth2TokenValidator<Jwt> validator) {
		logger.info("The hub checks JWTs of issuer " + issuerUri + " signed with " + algorithms);
		// discovery happens at the first handshake, so that the hub starts while the
		// issuer is down (as Spring Boot's resource server does), and is retried until it
		// works; the algorithms were checked at startup
		return new SupplierJwtDecoder(
				() -> decoder(NimbusJwtDecoder.withIssuerLocation(issuerUri), algorithms, validator));
	}

	private static NimbusJwtDecoder decoder(JwkSetUriJwtDecoderBuilder builder, Set<SignatureAlgorithm> algorithms,
			OAuth2TokenValidator<Jwt> validator) {
		NimbusJwtDecoder decoder = builder.jwsAlgorithms((accepted) -> accepted.addAll(algorithms)).build();
		decoder.setJwtValidator(validator);
		return decoder;
	}

	private static SecretKeySpec secretKey(String secret) {
		byte[] key = secret.getBytes(StandardCharsets.UTF_8);
		if (key.length < MIN_SECRET_BYTES) {
			// never echo the secret itself
			throw new InvalidConfigurationPropertyValueException(PREFIX + "jwt-secret", "******",
					"an HS256 secret needs at least " + MIN_SECRET_BYTES + " bytes, this one has " + key.length);
		}
		return new SecretKeySpec(key, "HmacSHA256");
	}

	private static Set<SignatureAlgorithm> signatureAlgorithms(HubProperties.Auth auth) {
		if (auth.getJwsAlgorithms().isEmpty()) {
			throw new InvalidConfigurationPropertyValueException(PREFIX + "jws-algorithms", "",
					"must name one or more");
		}
		Set<SignatureAlgorithm> algorithms = new LinkedHashSet<>();
		for (String name : auth.getJwsAlgorithms()) {
			SignatureAlgorithm algorithm = SignatureAlgorithm.from(name.trim());
			if (algorithm == null) {
				throw new InvalidConfigurationPropertyValueException(PREFIX + "jws-algorithms", name,
						"unknown signature algorithm (RS256, ES256, PS256, ... are known)");
			}
			algorithms.add(algorithm);
		}
		return algorithms;
	}

	private static OAuth2TokenValidator<Jwt> validator(HubProperties.Auth auth, Clock clock) {
		List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
		JwtTimestampValidator timestamps = new JwtTimestampValidator(auth.getClockSkew());
		timestamps.setClock(clock);
		// a JWT without exp would hold a session open for ever
		timestamps.setAllowEmptyExpiryClaim(false);
		validators.add(timestamps);
		String issuerUri = text(auth.getIssuerUri());
		if (issuerUri != null) {
			validators.add(new JwtIssuerValidator(issuerUri));
		}
		List<String> audiences = List.copyOf(auth.getAudiences());
		if (!audiences.isEmpty()) {
			validators.add(new JwtClaimValidator<List<String>>(JwtClaimNames.AUD,
					(claimed) -> claimed != null && !Collections.disjoint(claimed, audiences)));
		}
		return JwtValidators.createDefaultWithValidators(validators);
	}

	private static @Nullable String text(@Nullable String value) {
		// an empty environment variable unsets a property
		return StringUtils.hasText(value) ? value : null;
	}

}

package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.nimbusds.jwt.JWTClaimsSet;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.hub.security.InvalidTokenException;
import dev.realtime.hub.security.JwtHubTokenVerifier;
import dev.realtime.hub.security.TokenCheckUnavailableException;
import dev.realtime.hub.security.VerifiedToken;
import dev.realtime.test.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The checks of the hub's JWTs, through the decoder {@code realtime.hub.auth.*} builds
 * (Spring Security's {@code NimbusJwtDecoder}) and {@link JwtHubTokenVerifier}, at the
 * default clock skew with a controlled clock: HS256 development tokens (signature,
 * algorithm, expiry, claims), audience, the user id claim, configuration errors, and a
 * JWK Set that cannot be fetched. RS256 and ES256 through a served JWK Set, and the
 * issuer check, are in {@link HubJwtIntegrationTests}.
 */
class JwtHubTokenVerifierTests {

	private static final String SECRET = "a-test-secret-of-at-least-32-bytes!";

	private static final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

	private final MutableClock clock = new MutableClock(Instant.parse("2025-11-21T14:00:00Z"));

	private final HubProperties.Auth auth = hs256(SECRET);

	@Test
	void acceptsValidTokenAndKeepsItUntilExpiryPlusTheDefaultClockSkew() {
		assertThat(this.auth.getClockSkew()).isEqualTo(Duration.ofSeconds(5));
		String token = TestIssuer.hs256(SECRET, claims("alice", 60));
		assertThat(verifier().verify(token)).isEqualTo(new VerifiedToken("alice", now().plusSeconds(65)));
	}

	@Test
	void refusesExpiredTokenOnceTheClockSkewHasPassed() {
		JwtHubTokenVerifier verifier = verifier();
		String token = TestIssuer.hs256(SECRET, claims("alice", 60));
		this.clock.advance(Duration.ofSeconds(65));
		assertThat(verifier.verify(token).userId()).isEqualTo("alice");
		this.clock.advance(Duration.ofSeconds(1));
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> verifier.verify(token))
			.withMessageContaining("expired");
	}

	@Test
	void refusesTokenSignedWithAnotherSecret() {
		String token = TestIssuer.hs256("another-secret-of-at-least-32-bytes", claims("alice", 60));
		assertRefused(token, "Invalid signature");
	}

	@Test
	void refusesAlgNone() {
		String payload = encode(json(claims("alice", 60)));
		assertRefused(encode("{\"alg\":\"none\"}") + "." + payload + ".", "none");
		// nor when a signature computed with the secret is attached
		String signed = TestIssuer.hs256(SECRET, claims("alice", 60));
		String signature = signed.substring(signed.lastIndexOf('.') + 1);
		assertRefused(encode("{\"alg\":\"none\"}") + "." + payload + "." + signature, "");
	}

	@Test
	void refusesAnotherAlgorithmEvenWithAMatchingHmac() {
		// the header claims HS512 but the signature is a valid HS256 of header and
		// payload
		String header = encode("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
		assertRefused(resigned(header, encode(json(claims("alice", 60)))), "algorithm");
		String critical = encode("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}");
		assertRefused(resigned(critical, encode(json(claims("alice", 60)))), "");
	}

	@Test
	void refusesTamperedPayload() {
		String[] parts = TestIssuer.hs256(SECRET, claims("alice", 60)).split("\\.");
		assertRefused(parts[0] + "." + encode(json(claims("mallory", 60))) + "." + parts[2], "Invalid signature");
	}

	@Test
	void refusesTokenWithoutSubjectOrExpiry() {
		assertRefused(TestIssuer.hs256(SECRET, new LinkedHashMap<>(Map.of("sub", "alice"))), "exp");
		assertRefused(TestIssuer.hs256(SECRET, new LinkedHashMap<>(Map.of("exp", now().getEpochSecond() + 60))),
				"'sub'");
	}

	@Test
	void refusesTokenNotValidYet() {
		Map<String, Object> claims = claims("alice", 60);
		claims.put("nbf", now().getEpochSecond() + 30);
		String token = TestIssuer.hs256(SECRET, claims);
		assertRefused(token, "used before");
		this.clock.advance(Duration.ofSeconds(25));
		assertThat(verifier().verify(token).userId()).isEqualTo("alice");
	}

	@Test
	void refusesMalformedTokens() {
		for (String token : List.of("alice-token", "a.b", "a.b.c", "!!.??.**",
				TestIssuer.hs256(SECRET, claims("alice", 60)) + ".x")) {
			assertRefused(token, "Malformed");
		}
	}

	@Test
	void takesTheUserFromTheConfiguredClaim() {
		this.auth.setUserIdClaim("preferred_username");
		Map<String, Object> claims = claims("service-account-7", 60);
		claims.put("preferred_username", "alice");
		assertThat(verifier().verify(TestIssuer.hs256(SECRET, claims)).userId()).isEqualTo("alice");
		assertRefused(TestIssuer.hs256(SECRET, claims("alice", 60)), "no 'preferred_username' claim");
	}

	@Test
	void checksTheAudienceWhenConfigured() {
		this.auth.setAudiences(List.of("realtime-hub", "chat"));
		Map<String, Object> claims = claims("alice", 60);
		claims.put("aud", List.of("billing", "chat"));
		assertThat(verifier().verify(TestIssuer.hs256(SECRET, claims)).userId()).isEqualTo("alice");
		claims.put("aud", "billing");
		assertRefused(TestIssuer.hs256(SECRET, claims), "aud");
		assertRefused(TestIssuer.hs256(SECRET, claims("alice", 60)), "aud");
	}

	@Test
	void aJwkSetThatCannotBeFetchedMakesTheCheckUnavailableNotTheTokenInvalid() {
		HubProperties.Auth remote = new HubProperties.Auth();
		remote.setJwkSetUri(closedPortJwkSetUri());
		JwtHubTokenVerifier verifier = verifier(remote);
		String token = TestIssuer.sign(TestIssuer.rsaKey("k1"),
				new JWTClaimsSet.Builder().subject("alice").expirationTime(Date.from(now().plusSeconds(60))).build());
		assertThatExceptionOfType(TokenCheckUnavailableException.class).isThrownBy(() -> verifier.verify(token))
			.withMessageNotContaining(token);
	}

	@Test
	void secretShorterThan32BytesIsRefusedWithoutEchoingIt() {
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> HubTokenConfiguration.hubDecoder(hs256("too-short-secret"), this.clock))
			.withMessageContaining("realtime.hub.auth.jwt-secret")
			.withMessageContaining("at least 32 bytes")
			.withMessageNotContaining("too-short-secret");
	}

	@Test
	void aSecretBesideAJwkSetIsRefused() {
		HubProperties.Auth both = hs256(SECRET);
		both.setJwkSetUri(closedPortJwkSetUri());
		assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
			.isThrownBy(() -> HubTokenConfiguration.hubDecoder(both, this.clock))
			.withMessageContaining("not both")
			.withMessageNotContaining(SECRET);
	}

	@Test
	void anUnknownAlgorithmIsRefusedByNameAtStartup() {
		HubProperties.Auth jwkSet = new HubProperties.Auth();
		jwkSet.setJwkSetUri(closedPortJwkSetUri());
		// the issuer's keys are looked up at the first handshake, its algorithms at once
		HubProperties.Auth issuer = new HubProperties.Auth();
		issuer.setIssuerUri("http://127.0.0.1:1");
		for (HubProperties.Auth remote : List.of(jwkSet, issuer)) {
			remote.setJwsAlgorithms(List.of("RS256", "RS257"));
			assertThatExceptionOfType(InvalidConfigurationPropertyValueException.class)
				.isThrownBy(() -> HubTokenConfiguration.hubDecoder(remote, this.clock))
				.withMessageContaining("realtime.hub.auth.jws-algorithms")
				.withMessageContaining("RS257");
		}
	}

	@Test
	void noDecoderWithoutIssuerJwkSetOrSecret() {
		assertThat(HubTokenConfiguration.hubDecoder(new HubProperties.Auth(), this.clock)).isNull();
	}

	private void assertRefused(String token, String reason) {
		assertThatExceptionOfType(InvalidTokenException.class).isThrownBy(() -> verifier().verify(token))
			.withMessageContaining(reason)
			.withMessageNotContaining(token);
	}

	private JwtHubTokenVerifier verifier() {
		return verifier(this.auth);
	}

	private JwtHubTokenVerifier verifier(HubProperties.Auth properties) {
		JwtDecoder decoder = HubTokenConfiguration.hubDecoder(properties, this.clock);
		assertThat(decoder).isNotNull();
		return new JwtHubTokenVerifier(decoder, properties.getUserIdClaim(), properties.getClockSkew());
	}

	private static HubProperties.Auth hs256(String secret) {
		HubProperties.Auth auth = new HubProperties.Auth();
		auth.setJwtSecret(secret);
		return auth;
	}

	private static String closedPortJwkSetUri() {
		// port 1 (tcpmux) is closed on the test machines: the connection is refused
		return "http://127.0.0.1:1/jwks";
	}

	private Instant now() {
		return this.clock.instant();
	}

	private Map<String, Object> claims(String subject, long validSeconds) {
		Map<String, Object> claims = new LinkedHashMap<>();
		claims.put("sub", subject);
		claims.put("iat", now().getEpochSecond());
		claims.put("exp", now().getEpochSecond() + validSeconds);
		return claims;
	}

	/**
	 * Sign any header and payload with the test secret's HMAC-SHA256, whatever the header
	 * says.
	 */
	private String resigned(String header, String payload) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
			String input = header + "." + payload;
			return input + "." + base64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String json(Map<String, Object> claims) {
		return JsonMapper.builder().build().writeValueAsString(claims);
	}

	private static String encode(String text) {
		return base64.encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

}

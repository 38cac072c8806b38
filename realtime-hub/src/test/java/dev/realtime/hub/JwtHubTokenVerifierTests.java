package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import dev.realtime.test.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Signature, algorithm and claim checks of {@link JwtHubTokenVerifier}.
 */
class JwtHubTokenVerifierTests {

	private static final String SECRET = "a-test-secret-of-at-least-32-bytes!";

	private static final Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();

	private final MutableClock clock = new MutableClock(Instant.parse("2025-11-21T14:00:00Z"));

	private final HmacJwt jwt = new HmacJwt(SECRET);

	private final JwtHubTokenVerifier verifier = new JwtHubTokenVerifier(this.jwt, Duration.ofSeconds(5), this.clock);

	@Test
	void acceptsValidTokenAndKeepsItUntilExpiryPlusClockSkew() {
		String token = this.jwt.sign(claims("alice", 60));
		assertThat(this.verifier.verify(token)).contains(new VerifiedToken("alice", now().plusSeconds(65)));
	}

	@Test
	void refusesExpiredTokenOnceTheClockSkewHasPassed() {
		String token = this.jwt.sign(claims("alice", 60));
		this.clock.advance(Duration.ofSeconds(64));
		assertThat(this.verifier.verify(token)).isPresent();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(this.verifier.verify(token)).isEmpty();
	}

	@Test
	void refusesTokenSignedWithAnotherSecret() {
		String token = new HmacJwt("another-secret-of-at-least-32-bytes").sign(claims("alice", 60));
		assertThat(this.verifier.verify(token)).isEmpty();
	}

	@Test
	void refusesAlgNone() {
		String payload = encode(json(claims("alice", 60)));
		assertThat(this.verifier.verify(encode("{\"alg\":\"none\"}") + "." + payload + ".")).isEmpty();
		// nor when a signature computed with the secret is attached
		String signed = this.jwt.sign(claims("alice", 60));
		String signature = signed.substring(signed.lastIndexOf('.') + 1);
		assertThat(this.verifier.verify(encode("{\"alg\":\"none\"}") + "." + payload + "." + signature)).isEmpty();
	}

	@Test
	void refusesAnotherAlgorithmEvenWithAMatchingHmac() {
		// the header claims HS512 but the signature is a valid HS256 of header and
		// payload
		String header = encode("{\"alg\":\"HS512\",\"typ\":\"JWT\"}");
		assertThat(this.verifier.verify(resigned(header, encode(json(claims("alice", 60)))))).isEmpty();
		String critical = encode("{\"alg\":\"HS256\",\"crit\":[\"x\"],\"x\":1}");
		assertThat(this.verifier.verify(resigned(critical, encode(json(claims("alice", 60)))))).isEmpty();
	}

	@Test
	void refusesTamperedPayload() {
		String token = this.jwt.sign(claims("alice", 60));
		String[] parts = token.split("\\.");
		String tampered = parts[0] + "." + encode(json(claims("mallory", 60))) + "." + parts[2];
		assertThat(this.verifier.verify(tampered)).isEmpty();
	}

	@Test
	void refusesTokenWithoutSubjectOrExpiry() {
		Map<String, Object> noExpiry = new LinkedHashMap<>(Map.of("sub", "alice"));
		assertThat(this.verifier.verify(this.jwt.sign(noExpiry))).isEmpty();
		Map<String, Object> noSubject = new LinkedHashMap<>(Map.of("exp", now().getEpochSecond() + 60));
		assertThat(this.verifier.verify(this.jwt.sign(noSubject))).isEmpty();
		Map<String, Object> textExpiry = new LinkedHashMap<>(Map.of("sub", "alice", "exp", "tomorrow"));
		assertThat(this.verifier.verify(this.jwt.sign(textExpiry))).isEmpty();
	}

	@Test
	void refusesTokenNotValidYet() {
		Map<String, Object> claims = claims("alice", 60);
		claims.put("nbf", now().getEpochSecond() + 30);
		assertThat(this.verifier.verify(this.jwt.sign(claims))).isEmpty();
		this.clock.advance(Duration.ofSeconds(25));
		assertThat(this.verifier.verify(this.jwt.sign(claims))).isPresent();
	}

	@Test
	void refusesMalformedTokens() {
		assertThat(this.verifier.verify("alice-token")).isEmpty();
		assertThat(this.verifier.verify("a.b")).isEmpty();
		assertThat(this.verifier.verify("a.b.c")).isEmpty();
		assertThat(this.verifier.verify("!!.??.**")).isEmpty();
		String token = this.jwt.sign(claims("alice", 60));
		assertThat(this.verifier.verify(token + ".x")).isEmpty();
	}

	@Test
	void secretShorterThan32BytesIsRefusedWithoutEchoingIt() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HmacJwt("too-short-secret"))
			.withMessageContaining("at least 32 bytes")
			.withMessageNotContaining("too-short-secret");
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
		// HmacJwt only signs its own HS256 header, so an attacker's header is signed here
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

package dev.realtime.demo.token;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

/**
 * Signs the demo's HS256 JWTs with the hub's development secret
 * ({@code realtime.hub.auth.jwt-secret}), through Spring Security's
 * {@link NimbusJwtEncoder}: what a token service holding that key would issue.
 */
public final class DemoTokenSigner {

	private final JwtEncoder encoder;

	/**
	 * Create a signer.
	 * @param secret the HS256 secret the hub checks tokens with
	 */
	public DemoTokenSigner(String secret) {
		this.encoder = NimbusJwtEncoder
			.withSecretKey(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
			.algorithm(MacAlgorithm.HS256)
			.build();
	}

	/**
	 * Sign a token for a user.
	 * @param userId the user, as {@code sub}
	 * @param issuedAt the {@code iat}
	 * @param expiresAt the {@code exp}
	 * @param claims further claims, for example {@code jti} or {@code client_id}
	 * @return the compact JWT
	 */
	public String sign(String userId, Instant issuedAt, Instant expiresAt, Map<String, Object> claims) {
		JwtClaimsSet.Builder builder = JwtClaimsSet.builder().subject(userId).issuedAt(issuedAt).expiresAt(expiresAt);
		claims.forEach(builder::claim);
		JwsHeader header = JwsHeader.with(MacAlgorithm.HS256).type("JWT").build();
		return this.encoder.encode(JwtEncoderParameters.from(header, builder.build())).getTokenValue();
	}

}

package dev.realtime.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

import com.nimbusds.jwt.JWTClaimsSet;

/**
 * A {@link HubTokenVerifier} for HS256 JWTs signed with the hub's secret
 * ({@code realtime.hub.auth.jwt-secret}): the signature must match, {@code exp} is
 * required and must not have passed (give or take {@code realtime.hub.auth.clock-skew}),
 * an {@code nbf} must have come, and {@code sub} names the user.
 */
public final class JwtHubTokenVerifier implements HubTokenVerifier {

	private final HmacJwt jwt;

	private final Duration clockSkew;

	private final Clock clock;

	/**
	 * Create a verifier.
	 * @param jwt checks signatures
	 * @param clockSkew how far the issuer's clock may be off from the hub's
	 * @param clock the hub's clock
	 */
	public JwtHubTokenVerifier(HmacJwt jwt, Duration clockSkew, Clock clock) {
		if (clockSkew.isNegative()) {
			throw new IllegalArgumentException("clockSkew must not be negative");
		}
		this.jwt = jwt;
		this.clockSkew = clockSkew;
		this.clock = clock;
	}

	@Override
	public Optional<VerifiedToken> verify(String token) {
		JWTClaimsSet claims = this.jwt.verify(token);
		if (claims == null) {
			return Optional.empty();
		}
		String subject = claims.getSubject();
		Date expiry = claims.getExpirationTime();
		Date notBefore = claims.getNotBeforeTime();
		// a JWT without exp would be a static token that cannot be revoked: refuse it
		if (subject == null || subject.isEmpty() || expiry == null) {
			return Optional.empty();
		}
		Instant now = this.clock.instant();
		Instant validUntil = expiry.toInstant().plus(this.clockSkew);
		if (!now.isBefore(validUntil)
				|| (notBefore != null && now.plus(this.clockSkew).isBefore(notBefore.toInstant()))) {
			return Optional.empty();
		}
		return Optional.of(new VerifiedToken(subject, validUntil));
	}

}

package dev.realtime.hub.security;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoderInitializationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.util.StringUtils;

/**
 * A {@link HubTokenVerifier} over a Spring Security {@link JwtDecoder}: the decoder
 * checks the signature and its validators (expiry, issuer, audience); this takes the user
 * id from a claim ({@code sub} by default) and requires an {@code exp}, whose time (plus
 * the clock skew) closes the session with 4001. A token the decoder refuses is invalid
 * (401); a decoder that cannot work (the issuer's keys cannot be fetched) makes the
 * handshake fail with 503 and is reported in one WARN line until it works again.
 */
public final class JwtHubTokenVerifier implements HubTokenVerifier {

	private static final Log logger = LogFactory.getLog(JwtHubTokenVerifier.class);

	/** How Spring Security starts the messages of the tokens it cannot decode. */
	private static final String DECODING_ERROR_PREFIX = "An error occurred while attempting to decode the Jwt: ";

	private final JwtDecoder decoder;

	private final String userIdClaim;

	private final Duration clockSkew;

	private final AtomicBoolean decoderFailing = new AtomicBoolean();

	/**
	 * Create a verifier.
	 * @param decoder decodes and validates the tokens
	 * @param userIdClaim the claim holding the user id
	 * @param clockSkew how long after its {@code exp} a token still holds a session open
	 */
	public JwtHubTokenVerifier(JwtDecoder decoder, String userIdClaim, Duration clockSkew) {
		if (!StringUtils.hasText(userIdClaim)) {
			throw new IllegalArgumentException("userIdClaim must not be blank");
		}
		if (clockSkew.isNegative()) {
			throw new IllegalArgumentException("clockSkew must not be negative");
		}
		this.decoder = decoder;
		this.userIdClaim = userIdClaim;
		this.clockSkew = clockSkew;
	}

	@Override
	public VerifiedToken verify(String token) {
		Jwt jwt = decode(token);
		String userId = jwt.getClaimAsString(this.userIdClaim);
		if (!StringUtils.hasText(userId)) {
			throw new InvalidTokenException("token has no '" + this.userIdClaim + "' claim");
		}
		Instant expiresAt = jwt.getExpiresAt();
		// a JWT without exp would be a static token that cannot be revoked
		if (expiresAt == null) {
			throw new InvalidTokenException("token has no 'exp' claim");
		}
		return new VerifiedToken(userId, expiresAt.plus(this.clockSkew));
	}

	private Jwt decode(String token) {
		Jwt jwt;
		try {
			jwt = this.decoder.decode(token);
		}
		catch (JwtValidationException ex) {
			throw new InvalidTokenException(ex.getErrors()
				.stream()
				.map((error) -> (error.getDescription() != null) ? error.getDescription() : error.getErrorCode())
				.collect(Collectors.joining("; ")));
		}
		catch (BadJwtException ex) {
			throw new InvalidTokenException(withoutPrefix(ex));
		}
		catch (JwtException | JwtDecoderInitializationException ex) {
			// the keys cannot be fetched, or (an IllegalStateException) the issuer's
			// discovery document
			decoderFailed(ex);
			throw new TokenCheckUnavailableException("tokens cannot be checked for now");
		}
		if (this.decoderFailing.compareAndSet(true, false)) {
			logger.info("Tokens can be checked again");
		}
		return jwt;
	}

	private void decoderFailed(RuntimeException ex) {
		if (this.decoderFailing.compareAndSet(false, true)) {
			// Spring Security's messages name the key source, never the token
			logger.warn("Cannot check tokens, handshakes are refused with 503 until this works again: "
					+ withoutPrefix(ex) + rootCause(ex));
		}
		else {
			logger.debug("Still cannot check tokens: " + withoutPrefix(ex));
		}
	}

	private static String withoutPrefix(RuntimeException ex) {
		String message = String.valueOf(ex.getMessage());
		return message.startsWith(DECODING_ERROR_PREFIX) ? message.substring(DECODING_ERROR_PREFIX.length()) : message;
	}

	private static String rootCause(Throwable ex) {
		Throwable root = ex;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return (root != ex) ? " (" + root + ")" : "";
	}

}

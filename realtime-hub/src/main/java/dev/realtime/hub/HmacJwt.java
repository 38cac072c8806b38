package dev.realtime.hub;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.jspecify.annotations.Nullable;

/**
 * HS256 JSON Web Tokens (RFC 7519) over one shared secret, with Nimbus JOSE+JWT (the
 * library Spring Security's resource server uses): the hub verifies them and the demo
 * token endpoint signs them. Claims are not checked here (see
 * {@link JwtHubTokenVerifier}).
 */
public final class HmacJwt {

	/** RFC 7518 section 3.2: an HS256 key is at least as long as the hash output. */
	public static final int MIN_SECRET_BYTES = 32;

	private static final JWSHeader HEADER = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build();

	private final MACSigner signer;

	private final MACVerifier verifier;

	/**
	 * Create a signer and verifier.
	 * @param secret the shared secret, at least {@value #MIN_SECRET_BYTES} bytes in UTF-8
	 * @throws IllegalArgumentException if the secret is too short
	 */
	public HmacJwt(String secret) {
		byte[] key = secret.getBytes(StandardCharsets.UTF_8);
		if (key.length < MIN_SECRET_BYTES) {
			// never echo the secret itself
			throw new IllegalArgumentException(
					"An HS256 secret needs at least " + MIN_SECRET_BYTES + " bytes, this one has " + key.length);
		}
		try {
			this.signer = new MACSigner(key);
			// understands no critical header parameter: a token that names one is refused
			this.verifier = new MACVerifier(key);
		}
		catch (JOSEException ex) {
			throw new IllegalArgumentException(ex.getMessage(), ex);
		}
	}

	/**
	 * Sign claims into a compact JWT.
	 * @param claims the claims, for example {@code sub} and {@code exp}
	 * @return the token
	 */
	public String sign(Map<String, ?> claims) {
		JWSObject jws = new JWSObject(HEADER, new Payload(new LinkedHashMap<String, Object>(claims)));
		try {
			jws.sign(this.signer);
		}
		catch (JOSEException ex) {
			throw new IllegalStateException("Cannot sign a JWT", ex);
		}
		return jws.serialize();
	}

	/**
	 * Return the claims of a token signed with this secret.
	 * @param token a compact JWT
	 * @return its claims, or {@code null} if it is malformed, not HS256, names a critical
	 * header parameter or its signature does not match
	 */
	public @Nullable JWTClaimsSet verify(String token) {
		try {
			SignedJWT jwt = SignedJWT.parse(token);
			// the header is the sender's word: trust HS256 only, never "none" nor another
			// algorithm
			if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(this.verifier)) {
				return null;
			}
			return jwt.getJWTClaimsSet();
		}
		catch (ParseException | JOSEException | IllegalStateException ex) {
			// not a signed JWT, or claims of the wrong type
			return null;
		}
	}

}

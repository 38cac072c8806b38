package dev.realtime.demo.hub;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * HS256 JSON Web Tokens (RFC 7519) over one shared secret, with the JDK's HMAC only: the hub
 * verifies them and the demo token endpoint signs them. Claims are not checked here (see
 * {@link JwtHubTokenVerifier}).
 */
public final class HmacJwt {

	/** RFC 7518 section 3.2: an HS256 key is at least as long as the hash output. */
	public static final int MIN_SECRET_BYTES = 32;

	private static final String MAC_ALGORITHM = "HmacSHA256";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();

	private static final Base64.Decoder decoder = Base64.getUrlDecoder();

	private static final String HEADER = encoder
		.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

	private final SecretKeySpec key;

	/**
	 * Create a signer and verifier.
	 * @param secret the shared secret, at least {@value #MIN_SECRET_BYTES} bytes in UTF-8
	 * @throws IllegalArgumentException if the secret is too short
	 */
	public HmacJwt(String secret) {
		int length = secret.getBytes(StandardCharsets.UTF_8).length;
		if (length < MIN_SECRET_BYTES) {
			// never echo the secret itself
			throw new IllegalArgumentException(
					"An HS256 secret needs at least " + MIN_SECRET_BYTES + " bytes, this one has " + length);
		}
		this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), MAC_ALGORITHM);
	}

	/**
	 * Sign claims into a compact JWT.
	 * @param claims the claims, for example {@code sub} and {@code exp}
	 * @return the token
	 */
	public String sign(Map<String, ?> claims) {
		String signingInput = HEADER + "." + encoder.encodeToString(json.writeValueAsBytes(claims));
		return signingInput + "." + encoder.encodeToString(mac(signingInput));
	}

	/**
	 * Return the claims of a token signed with this secret.
	 * @param token a compact JWT
	 * @return its claims, or {@code null} if it is malformed, not HS256 or its signature does not
	 * match
	 */
	public @Nullable JsonNode verify(String token) {
		String[] parts = token.split("\\.", -1);
		if (parts.length != 3) {
			return null;
		}
		try {
			JsonNode header = json.readTree(decoder.decode(parts[0]));
			// the header is the sender's word: trust HS256 only, never "none" nor another
			// algorithm, and no critical extension we do not understand (RFC 7515 section 4.1.11)
			JsonNode alg = header.get("alg");
			if (!header.isObject() || alg == null || !alg.isString() || !"HS256".equals(alg.stringValue())
					|| header.has("crit")) {
				return null;
			}
			byte[] signature = decoder.decode(parts[2]);
			// constant time, so the comparison does not tell how much of a forgery was right
			if (!MessageDigest.isEqual(mac(parts[0] + "." + parts[1]), signature)) {
				return null;
			}
			JsonNode claims = json.readTree(decoder.decode(parts[1]));
			return claims.isObject() ? claims : null;
		}
		catch (IllegalArgumentException | JacksonException ex) {
			// not Base64url or not JSON
			return null;
		}
	}

	private byte[] mac(String signingInput) {
		try {
			// a Mac is not thread-safe, and creating one is cheap next to a handshake
			Mac mac = Mac.getInstance(MAC_ALGORITHM);
			mac.init(this.key);
			return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("The JDK cannot compute " + MAC_ALGORITHM, ex);
		}
	}

}

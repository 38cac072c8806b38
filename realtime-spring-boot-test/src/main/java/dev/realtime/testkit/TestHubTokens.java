package dev.realtime.testkit;

import java.time.Clock;
import java.time.Duration;

import dev.realtime.hub.security.HubTokenVerifier;
import dev.realtime.hub.security.InvalidTokenException;
import dev.realtime.hub.security.VerifiedToken;

/**
 * The embedded hub's tokens: {@code realtime-test-token.<user>} authenticates the user.
 * They never expire unless the test sets a lifetime, then the hub closes each session
 * with 4001 that long after its handshake (the hub's own expiry path), and the same token
 * is accepted again at the next handshake, as a freshly issued one would be.
 */
final class TestHubTokens implements HubTokenVerifier {

	static final String PREFIX = "realtime-test-token.";

	private final HubFaults faults;

	private final Clock clock;

	TestHubTokens(HubFaults faults, Clock clock) {
		this.faults = faults;
		this.clock = clock;
	}

	static String tokenFor(String userId) {
		return PREFIX + userId;
	}

	@Override
	public VerifiedToken verify(String token) {
		if (!token.startsWith(PREFIX) || token.length() == PREFIX.length()) {
			throw new InvalidTokenException("not a token of the embedded hub (" + PREFIX + "<user>)");
		}
		Duration lifetime = this.faults.tokenLifetime;
		return new VerifiedToken(token.substring(PREFIX.length()),
				(lifetime != null) ? this.clock.instant().plus(lifetime) : null);
	}

}

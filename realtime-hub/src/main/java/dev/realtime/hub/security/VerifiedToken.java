package dev.realtime.hub.security;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * What a {@link HubTokenVerifier} learned from a valid token.
 *
 * @param userId the user the token authenticates
 * @param validUntil when the hub stops accepting the token (its {@code exp} plus the
 * allowed clock skew), or {@code null} for a token that does not expire; a session opened
 * with it is closed with 4001 then
 */
public record VerifiedToken(String userId, @Nullable Instant validUntil) {
}

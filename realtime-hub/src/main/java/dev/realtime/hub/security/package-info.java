/**
 * How the hub authenticates a handshake's bearer token: JWTs through Spring Security's
 * {@code JwtDecoder}, and static development tokens.
 */
@NullMarked
package dev.realtime.hub.security;

import org.jspecify.annotations.NullMarked;

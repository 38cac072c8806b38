/**
 * A demo OAuth2 token endpoint (RFC 6749 {@code client_credentials}) that issues
 * short-lived JWTs the reference hub accepts, so the demo's own client shows token
 * refresh.
 */
@NullMarked
package dev.realtime.demo.token;

import org.jspecify.annotations.NullMarked;

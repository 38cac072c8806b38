/**
 * Credentials for the hub's handshake: the {@link dev.realtime.auth.TokenProvider} SPI
 * and its static and refreshing implementations.
 */
@NullMarked
package dev.realtime.auth;

import org.jspecify.annotations.NullMarked;

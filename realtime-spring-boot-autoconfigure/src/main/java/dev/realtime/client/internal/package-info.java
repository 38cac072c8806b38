/**
 * The default client's implementation, not API: its public types are public only for the
 * auto-configuration that constructs them and may change in any release.
 */
@NullMarked
package dev.realtime.client.internal;

import org.jspecify.annotations.NullMarked;

/**
 * What every transport to the hub shares: the HTTP proxy it goes through.
 */
@NullMarked
package dev.realtime.transport;

import org.jspecify.annotations.NullMarked;

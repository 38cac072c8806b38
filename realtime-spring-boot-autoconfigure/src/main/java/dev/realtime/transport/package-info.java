/**
 * What every transport to the hub shares: the HTTP proxy it goes through, and the ordered
 * writer that keeps sends from blocking the clients' shared event loops.
 */
@NullMarked
package dev.realtime.transport;

import org.jspecify.annotations.NullMarked;

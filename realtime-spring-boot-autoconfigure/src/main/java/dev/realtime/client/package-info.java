/**
 * The realtime client: its public API, the connection state machine with backoff and
 * heartbeat, the outbound relay and inbound processing, and the seams that the durable
 * outbox and inbox plug into.
 */
@NullMarked
package dev.realtime.client;

import org.jspecify.annotations.NullMarked;

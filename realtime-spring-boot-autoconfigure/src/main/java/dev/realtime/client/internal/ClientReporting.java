package dev.realtime.client.internal;

/**
 * What a client tells about itself: its counters (metrics), the application's listeners
 * of state changes, acks and signals, and the connection status health reads.
 *
 * @param counters the client's counters
 * @param listeners the application's listeners
 * @param status the connection's state, last error and transport
 */
record ClientReporting(ClientCounters counters, ListenerRegistry listeners, ConnectionStatus status) {
}

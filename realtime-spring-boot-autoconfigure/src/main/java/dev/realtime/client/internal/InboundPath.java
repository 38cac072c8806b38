package dev.realtime.client.internal;

/**
 * The receive path after the connection: the sequencer puts events in order into the
 * inbound store and hands them to the dispatcher, which runs the listeners.
 *
 * @param sequencer orders and stores what the hub sends
 * @param dispatcher runs the listeners on stored events
 */
record InboundPath(InboundSequencer sequencer, InboundDispatcher dispatcher) {
}

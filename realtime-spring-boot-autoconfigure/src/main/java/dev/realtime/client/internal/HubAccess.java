package dev.realtime.client.internal;

import dev.realtime.auth.TokenProvider;
import dev.realtime.client.spi.Transport;
import dev.realtime.protocol.FrameCodec;

/**
 * How a client reaches the hub: the transport that opens connections, the tokens it shows
 * in the handshake, and the codec of what goes over them.
 *
 * @param transport opens connections
 * @param tokens supplies the handshake token
 * @param codec encodes and decodes frames
 */
record HubAccess(Transport transport, TokenProvider tokens, FrameCodec codec) {
}

/**
 * The Socket.IO transport: the protocol's frames as the data of Socket.IO events, over
 * the {@code io.socket:socket.io-client} library (Engine.IO v4 / Socket.IO v5, servers
 * 3.x and 4.x). Depends on the client's SPI only.
 */
@NullMarked
package dev.realtime.transport.socketio;

import org.jspecify.annotations.NullMarked;

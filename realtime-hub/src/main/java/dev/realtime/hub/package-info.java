/**
 * The reference hub, the server side of realtime protocol version 1: the WebSocket
 * handler and handshake checks, the {@link dev.realtime.hub.Hub} service and its JDBC
 * store.
 */
@NullMarked
package dev.realtime.hub;

import org.jspecify.annotations.NullMarked;

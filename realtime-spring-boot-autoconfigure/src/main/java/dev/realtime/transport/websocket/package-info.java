/**
 * The plain WebSocket transport to the hub, the default.
 */
@NullMarked
package dev.realtime.transport.websocket;

import org.jspecify.annotations.NullMarked;

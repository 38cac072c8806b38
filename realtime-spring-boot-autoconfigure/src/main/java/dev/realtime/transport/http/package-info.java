/**
 * The HTTP transport (Spring's SockJS client, restricted to XHR streaming and polling)
 * and the transport that falls back to it when WebSocket upgrades are refused.
 */
@NullMarked
package dev.realtime.transport.http;

import org.jspecify.annotations.NullMarked;

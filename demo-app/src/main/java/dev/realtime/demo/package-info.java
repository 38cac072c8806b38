/**
 * The realtime demo application: the reference hub, a client using the starter, and a web
 * page that chats through the hub and watches that client.
 */
@NullMarked
package dev.realtime.demo;

import org.jspecify.annotations.NullMarked;

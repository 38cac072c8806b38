/**
 * The demo's own use of the starter: a REST API that sends chat messages through the
 * auto-configured realtime client and lists what it has received.
 */
@NullMarked
package dev.realtime.demo.chat;

import org.jspecify.annotations.NullMarked;

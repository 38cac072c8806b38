/**
 * The realtime client's API: {@link dev.realtime.client.RealtimeClient} and what an
 * application sends, receives, observes and catches through it; implementations of the
 * queues, stores and transport it plugs into live in {@code dev.realtime.client.spi}.
 */
@NullMarked
package dev.realtime.client;

import org.jspecify.annotations.NullMarked;

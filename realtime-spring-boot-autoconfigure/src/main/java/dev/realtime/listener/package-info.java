/**
 * Annotation-driven listeners of inbound events:
 * {@link dev.realtime.listener.RealtimeListener} methods on beans, registered on the
 * realtime client at startup.
 */
@NullMarked
package dev.realtime.listener;

import org.jspecify.annotations.NullMarked;

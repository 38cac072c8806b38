/**
 * The runnable reference hub application.
 */
@NullMarked
package dev.realtime.hub.server;

import org.jspecify.annotations.NullMarked;

/**
 * The realtime demo application: the reference hub and, later, a client using the starter.
 */
@NullMarked
package dev.realtime.demo;

import org.jspecify.annotations.NullMarked;

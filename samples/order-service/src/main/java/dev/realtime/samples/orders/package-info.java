/**
 * A small order service: ships orders through the realtime outbox and handles
 * cancellations the hub pushes.
 */
@NullMarked
package dev.realtime.samples.orders;

import org.jspecify.annotations.NullMarked;

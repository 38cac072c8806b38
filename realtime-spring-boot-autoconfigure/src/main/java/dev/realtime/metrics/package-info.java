/**
 * Micrometer meters and observations of the realtime client, with their documented names.
 */
@NullMarked
package dev.realtime.metrics;

import org.jspecify.annotations.NullMarked;

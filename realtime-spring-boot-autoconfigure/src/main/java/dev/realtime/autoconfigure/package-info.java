/**
 * Auto-configuration of the realtime client: properties, the client bean and its
 * lifecycle, stores, health and metrics.
 */
@NullMarked
package dev.realtime.autoconfigure;

import org.jspecify.annotations.NullMarked;

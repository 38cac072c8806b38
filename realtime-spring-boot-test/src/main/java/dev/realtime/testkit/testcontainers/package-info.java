/**
 * Support for a realtime hub run in a Testcontainers container:
 * {@code @ServiceConnection} on the container points the application at it.
 */
@NullMarked
package dev.realtime.testkit.testcontainers;

import org.jspecify.annotations.NullMarked;

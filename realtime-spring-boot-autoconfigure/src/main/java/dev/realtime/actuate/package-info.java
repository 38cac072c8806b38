/**
 * The client's Actuator support: the {@code realtime} health indicators of the own client
 * and of the users' clients, and the {@code realtime} endpoint with its web extension.
 * Kept apart from the auto-configuration that creates them, as Spring Boot keeps its own
 * health indicators apart from their auto-configurations.
 */
@NullMarked
package dev.realtime.actuate;

import org.jspecify.annotations.NullMarked;

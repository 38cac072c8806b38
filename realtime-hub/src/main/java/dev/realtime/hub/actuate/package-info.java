/**
 * Operations of the hub with Spring Boot Actuator: its health indicator and its
 * Micrometer meters ({@code realtime.hub.*}).
 */
@NullMarked
package dev.realtime.hub.actuate;

import org.jspecify.annotations.NullMarked;

package dev.realtime.actuate;

import java.time.Duration;

/**
 * When the realtime health indicators report the degraded status, and how much they list
 * ({@code realtime.health.*}).
 *
 * @param reconnecting time a client may stay connecting or reconnecting before it is
 * degraded
 * @param outboxAge age of the oldest pending outbound event beyond which a client is
 * degraded
 * @param degradedStatus the status code reported when degraded
 * @param maxListedUsers most users listed one by one in the users' health details
 */
public record HealthThresholds(Duration reconnecting, Duration outboxAge, String degradedStatus, int maxListedUsers) {

}

/**
 * Benchmark harness: the starter in a real Spring Boot context against an in-JVM ack-only
 * hub, beside raw baselines (WebSocket, PostgreSQL) measured in the same run.
 */
@NullMarked
package dev.realtime.benchmarks;

import org.jspecify.annotations.NullMarked;

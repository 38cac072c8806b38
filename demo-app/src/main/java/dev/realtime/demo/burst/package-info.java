/**
 * A burst of numbered events sent through the transactional outbox, resumable after a crash:
 * what the crash-safety test kills and restarts.
 */
@NullMarked
package dev.realtime.demo.burst;

import org.jspecify.annotations.NullMarked;

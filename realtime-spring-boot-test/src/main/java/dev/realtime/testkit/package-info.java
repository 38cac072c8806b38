/**
 * Test kit for services that use the realtime starter: the hub in-process
 * ({@link dev.realtime.testkit.AutoConfigureRealtimeHub},
 * {@link dev.realtime.testkit.RealtimeHubExtension}), what it received and fault controls
 * ({@link dev.realtime.testkit.RealtimeHubTester}).
 */
@NullMarked
package dev.realtime.testkit;

import org.jspecify.annotations.NullMarked;

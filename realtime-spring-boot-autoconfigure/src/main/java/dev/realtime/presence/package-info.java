/**
 * Presence: the user's own status announced to the hub, and a live view of other users'
 * statuses fanned out by the hub.
 */
@NullMarked
package dev.realtime.presence;

import org.jspecify.annotations.NullMarked;

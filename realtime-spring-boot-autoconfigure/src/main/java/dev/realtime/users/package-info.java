/**
 * Many users in one application: {@link dev.realtime.users.RealtimeClients} connects and
 * disconnects users at runtime, a client per user, with presence, typing and read
 * receipts per user.
 */
@NullMarked
package dev.realtime.users;

import org.jspecify.annotations.NullMarked;

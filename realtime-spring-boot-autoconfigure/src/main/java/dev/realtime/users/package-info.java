/**
 * The application's clients: {@link dev.realtime.users.RealtimeClientFactory} builds each
 * one (the own client of {@code realtime.user-id} and every user's) the same way,
 * {@link dev.realtime.users.RealtimeClientLifecycle} connects the own client with the
 * application, and {@link dev.realtime.users.RealtimeClients} connects and disconnects
 * users at runtime, a client per user, with presence, typing and read receipts per user.
 */
@NullMarked
package dev.realtime.users;

import org.jspecify.annotations.NullMarked;

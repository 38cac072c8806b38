/**
 * The JPA outbox: outbound events stored in the application's database with the caller's
 * transaction, claimed under a lease by the relay, deleted on ack, dead letters kept for
 * inspection and retry.
 */
@NullMarked
package dev.realtime.outbox;

import org.jspecify.annotations.NullMarked;

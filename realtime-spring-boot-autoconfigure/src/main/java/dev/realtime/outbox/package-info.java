/**
 * The durable outbox: outbound events stored in the application's database with the
 * caller's transaction (plain JDBC on its DataSource), relayed by the one instance
 * holding the user's fenced lease, deleted on ack; dead letters kept for inspection and
 * retry.
 */
@NullMarked
package dev.realtime.outbox;

import org.jspecify.annotations.NullMarked;

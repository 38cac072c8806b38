/**
 * Read receipts: durable {@code receipt.read} events sent through the outbox, and the
 * store of receipts received from the hub (JPA table, or in memory without JPA).
 */
@NullMarked
package dev.realtime.receipts;

import org.jspecify.annotations.NullMarked;

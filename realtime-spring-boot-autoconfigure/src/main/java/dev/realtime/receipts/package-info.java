/**
 * Read receipts: durable {@code receipt.read} events sent through the outbox, and the
 * store of receipts received from the hub (a table of the application's database, or in
 * memory).
 */
@NullMarked
package dev.realtime.receipts;

import org.jspecify.annotations.NullMarked;
